#pragma once

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QEventLoop>

#include <optional>

namespace dcr::test {

// Runs the event loop until pred() holds or timeoutMs passes. Test code only: production code
// never spins a nested loop.
template <typename Pred>
bool waitUntil(Pred pred, int timeoutMs = 10000) {
    QDeadlineTimer deadline(timeoutMs);
    while (!pred()) {
        if (deadline.hasExpired())
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents | QEventLoop::WaitForMoreEvents, 20);
    }
    return true;
}

// Starts an asynchronous call that reports through a callback and waits for its single result.
template <typename Result, typename Start>
std::optional<Result> awaitCallback(Start start, int timeoutMs = 10000) {
    std::optional<Result> result;
    start([&result](const Result& r) { result = r; });
    if (!waitUntil([&] { return result.has_value(); }, timeoutMs))
        return std::nullopt;
    return result;
}

}  // namespace dcr::test
