// perf_launch PROGRAM [ARGS...]: writes "launch_monotonic_ns=<CLOCK_MONOTONIC>" on stdout, then
// execs PROGRAM in this same process. The time is taken as the last thing before execve, so a
// first-paint probe's timestamp minus this one is the program's whole start: the dynamic loader,
// static initialisers, main and the first paint. Plain C++ and POSIX: a fresh Debian 12 may have
// no python to do this with.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <unistd.h>

int main(int argc, char** argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s PROGRAM [ARGS...]\n", argv[0]);
        return 2;
    }
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);
    char line[64];
    const int n = snprintf(line, sizeof line, "launch_monotonic_ns=%lld\n",
                           static_cast<long long>(now.tv_sec) * 1000000000LL + now.tv_nsec);
    // write(2), not stdio: nothing may stay in a buffer that execvp throws away.
    if (write(STDOUT_FILENO, line, static_cast<size_t>(n)) != n)
        return 2;
    execvp(argv[1], argv + 1);
    fprintf(stderr, "%s: cannot run %s: %s\n", argv[0], argv[1], strerror(errno));
    return 127;
}
