#pragma once

// What every fuzz target shares: the Qt application the code under test needs, the layout of a
// fuzz input, the event loop run until a client call has answered, and the one property checked of
// every answer: a value, or an Error that says what happened and what to do. A violated property
// aborts, which libFuzzer (and the replay driver) reports as a crash with the input that caused it.
#include "canned_network.h"

#include "clients/result.h"
#include "core/http_client.h"

#include <QCoreApplication>
#include <QElapsedTimer>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>

namespace dcr::fuzz {

inline void ensureApplication() {
    static int argc = 1;
    static char name[] = "dcr-fuzz";
    static char* argv[] = {name, nullptr};
    static QCoreApplication* app = QCoreApplication::instance() ? nullptr : new QCoreApplication(argc, argv);
    (void)app;
}

[[noreturn]] inline void violated(const char* what) {
    std::fprintf(stderr, "dcr-fuzz: property violated: %s\n", what);
    std::abort();
}

// Layout of a client target's input: one byte choosing the call, then the answers the network
// gives, separated by "\n===\n"; each answer is one byte choosing the status, then the body.
struct ClientInput {
    quint8 call = 0;
    QList<CannedAnswer> answers;

    static ClientInput parse(const uint8_t* data, size_t size) {
        static const int kStatuses[] = {200, 201, 204, 302, 400, 401, 403, 404, 409, 429, 500, 503, 0};
        ClientInput in;
        if (size == 0)
            return in;
        in.call = data[0];
        const QByteArray rest(reinterpret_cast<const char*>(data + 1), static_cast<qsizetype>(size - 1));
        for (const QByteArray& part : split(rest)) {
            CannedAnswer answer;
            if (!part.isEmpty()) {
                answer.status = kStatuses[static_cast<quint8>(part[0]) % (sizeof kStatuses / sizeof kStatuses[0])];
                answer.body = part.mid(1);
            }
            in.answers << answer;
        }
        return in;
    }

    static QList<QByteArray> split(const QByteArray& rest) {
        static const QByteArray kSeparator("\n===\n");
        QList<QByteArray> parts;
        qsizetype from = 0;
        for (qsizetype at = rest.indexOf(kSeparator); at >= 0; at = rest.indexOf(kSeparator, from)) {
            parts << rest.mid(from, at - from);
            from = at + kSeparator.size();
        }
        parts << rest.mid(from);
        return parts;
    }
};

// One attempt per request and no waiting for replication: the target is the parsing, not the
// retry policy, and every input must finish in milliseconds.
inline RetryPolicy::Config noRetries() {
    RetryPolicy::Config config;
    config.maxAttempts = 1;
    config.replicationMaxTotalMs = 0;
    config.attemptTimeoutMs = 2000;
    return config;
}

// Runs the event loop until done() holds; a call that never answers is a hang, reported as such.
inline void runUntil(const std::function<bool()>& done) {
    QElapsedTimer clock;
    clock.start();
    while (!done()) {
        if (clock.elapsed() > 4000)
            violated("a client call never answered");
        QCoreApplication::processEvents(QEventLoop::AllEvents);
    }
}

inline void checkError(const Error& e) {
    if (e.code.isEmpty() || e.what.trimmed().isEmpty() || e.remedy.trimmed().isEmpty())
        violated("an Error without a code, a sentence saying what happened, or a remedy");
}

template <typename T>
void checkResult(const Result<T>& r) {
    if (r.ok() == r.error.has_value())
        violated("a Result that is both or neither a value and an error");
    if (r.error)
        checkError(*r.error);
}

// Starts a client call and waits for its one answer, checking it.
template <typename T>
void call(const std::function<void(Callback<T>)>& start) {
    bool answered = false;
    start([&answered](const Result<T>& r) {
        if (answered)
            violated("a callback called twice");
        answered = true;
        checkResult(r);
    });
    runUntil([&] { return answered; });
}

}  // namespace dcr::fuzz
