#include <cstdio>
int main() { std::puts("sparkmedic-analyze " SPARKMEDIC_VERSION); return 0; }
