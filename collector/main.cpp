// sparkmedic-collect: gathers a Spark application's evidence into a bundle (docs/bundle-format.md).
// All logic lives in cli.cpp, plan.cpp, stage.cpp and sources/; main only hands over.
#include "cli.h"

int main(int argc, char** argv) { return sm::collect::run_cli(argc, argv); }
