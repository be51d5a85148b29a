#include <cstdio>
int main() { std::puts("sparkmedic-collect " SPARKMEDIC_VERSION); return 0; }
