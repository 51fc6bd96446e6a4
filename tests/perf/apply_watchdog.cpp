// perf_apply_watchdog: how long the wizard's GUI thread is blocked during a full Apply. Drives the
// real wizard widgets the way tests/ui does (the embedded sandbox, clicks on the real buttons) up
// to the Review page, then starts a watchdog: a 1 ms precise QTimer on the GUI thread whose ticks
// are timestamped; the largest gap between two ticks, less the 1 ms period, is the longest time the
// event loop could not run. It covers the click on Apply (the page change included) until every
// step has finished. Prints one JSON object on stdout: the longest gap, the five longest with where
// they began (to line them up with `perf record -k CLOCK_MONOTONIC`), and click_ms, the click's own
// handling (the page switch) before the new page is painted. Run it under xvfb-run (or offscreen) and in
// a keyring session (tests/support/with-keyring-session.sh), as tests/perf/benchmark.sh does.
#include "ui/wizard_driver.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSettings>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <vector>

namespace {

using dcr::test::WizardDriver;
using dcr::test::waitUntil;
using PageId = dcr::ui::SetupWizard::PageId;

constexpr int kPeriodMs = 1;

class GapRecorder : public QObject {
public:
    void start() {
        timespec now{};
        clock_gettime(CLOCK_MONOTONIC, &now);
        m_origin = now.tv_sec * 1000000000LL + now.tv_nsec;
        m_clock.start();
        m_last = 0;
        m_lastCpu = threadCpuNs();
        m_startCpu = m_lastCpu;
        m_timer.setTimerType(Qt::PreciseTimer);
        m_timer.setInterval(kPeriodMs);
        connect(&m_timer, &QTimer::timeout, this, [this] { tick(); });
        m_timer.start();
    }
    void stop() {
        tick();
        m_timer.stop();
    }
    // Every figure comes from the recorded gaps (one per tick).
    double largestGapMs() const { return largest().ns / 1e6; }
    double largestGapAtMs() const { return largest().fromNs / 1e6; }
    qint64 ticks() const { return qint64(m_gaps.size()); }
    qint64 gapsOver16Ms() const {
        return std::count_if(m_gaps.begin(), m_gaps.end(), [](const Gap& g) { return g.ns - kPeriodMs * 1000000LL > 16000000LL; });
    }
    // The longest gaps, longest first, each with where it began: since the start of the Apply and
    // on CLOCK_MONOTONIC, like `perf record -k CLOCK_MONOTONIC`, to find what ran in it.
    QJsonArray longestGaps(int count) const {
        std::vector<Gap> gaps = m_gaps;
        count = std::min<int>(count, gaps.size());
        std::partial_sort(gaps.begin(), gaps.begin() + count, gaps.end(), [](const Gap& a, const Gap& b) { return a.ns > b.ns; });
        QJsonArray longest;
        for (int i = 0; i < count; ++i)
            longest.append(QJsonObject{{QStringLiteral("at_ms"), gaps[i].fromNs / 1e6},
                                       {QStringLiteral("from_monotonic_ms"), (m_origin + gaps[i].fromNs) / 1e6},
                                       {QStringLiteral("blocked_ms"), std::max(0.0, (gaps[i].ns - kPeriodMs * 1000000LL) / 1e6)},
                                       {QStringLiteral("gui_cpu_ms"), gaps[i].cpuNs / 1e6}});
        return longest;
    }
    // On a loaded machine a gap is partly other processes running: the GUI thread's own CPU time
    // within a gap is the work that kept the event loop from running.
    double largestGapCpuMs() const {
        qint64 most = 0;
        for (const Gap& g : m_gaps)
            most = std::max(most, g.cpuNs);
        return most / 1e6;
    }
    double cpuMs() const { return (m_lastCpu - m_startCpu) / 1e6; }
    double elapsedMs() const { return m_clock.nsecsElapsed() / 1e6; }

private:
    static qint64 threadCpuNs() {
        timespec t{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
        return t.tv_sec * 1000000000LL + t.tv_nsec;
    }

    void tick() {
        const qint64 now = m_clock.nsecsElapsed();
        const qint64 cpu = threadCpuNs();
        m_gaps.push_back({m_last, now - m_last, cpu - m_lastCpu});
        m_last = now;
        m_lastCpu = cpu;
    }

    struct Gap {
        qint64 fromNs;
        qint64 ns;
        qint64 cpuNs;
    };
    // The first of the longest gaps.
    Gap largest() const {
        const auto it = std::max_element(m_gaps.begin(), m_gaps.end(), [](const Gap& a, const Gap& b) { return a.ns < b.ns; });
        return it == m_gaps.end() ? Gap{0, 0, 0} : *it;
    }

    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_last = 0;
    qint64 m_origin = 0;
    qint64 m_lastCpu = 0;
    qint64 m_startCpu = 0;
    std::vector<Gap> m_gaps;
};

int fail(const char* why) {
    fprintf(stderr, "perf_apply_watchdog: %s\n", why);
    return 1;
}

}  // namespace

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("dcr-wizard-perf"));
    QApplication::setApplicationName(QStringLiteral("dcr-wizard-perf"));
    QSettings().clear();

    WizardDriver driver;
    driver.wizard->resize(920, 720);
    if (!driver.waitForSandbox())
        return fail("the embedded sandbox did not start");
    if (!driver.advanceTo(PageId::Review, 120000) || !driver.waitComplete(120000))
        return fail("the wizard did not reach a complete Review page");
    // Let the Review page's own painting settle so that only the Apply is measured.
    waitUntil([] { return false; }, 300);

    GapRecorder watchdog;
    watchdog.start();
    QElapsedTimer click;
    click.start();
    if (!driver.next())
        return fail("Apply could not be clicked");
    const double clickMs = click.nsecsElapsed() / 1e6;
    if (driver.page() != PageId::Apply || !driver.waitComplete(180000))
        return fail("the Apply did not complete");
    watchdog.stop();

    const QJsonObject figures{{QStringLiteral("max_blocked_ms"), std::max(0.0, watchdog.largestGapMs() - kPeriodMs)},
                              {QStringLiteral("max_gap_ms"), watchdog.largestGapMs()},
                              {QStringLiteral("click_ms"), clickMs},
                              {QStringLiteral("max_gap_gui_cpu_ms"), watchdog.largestGapCpuMs()},
                              {QStringLiteral("gui_cpu_ms"), watchdog.cpuMs()},
                              {QStringLiteral("max_gap_at_ms"), watchdog.largestGapAtMs()},
                              {QStringLiteral("blocks_over_16_ms"), watchdog.gapsOver16Ms()},
                              {QStringLiteral("ticks"), watchdog.ticks()},
                              {QStringLiteral("longest_gaps"), watchdog.longestGaps(5)},
                              {QStringLiteral("apply_ms"), watchdog.elapsedMs()},
                              {QStringLiteral("platform"), QGuiApplication::platformName()}};
    printf("%s\n", QJsonDocument(figures).toJson(QJsonDocument::Compact).constData());
    return 0;
}
