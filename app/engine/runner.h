#pragma once

#include "engine/context.h"
#include "engine/run_state.h"
#include "engine/step.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>

namespace dcr::engine {

enum class StepStatus { Pending, Running, Done, Failed, Skipped };

// Runs a plan: every step whose dependencies are done starts at once, so independent steps run in
// parallel; the saved state is updated after each step; a failure stops new steps from starting
// and waits for the user (or the command line) to retry, skip an optional step, or give up.
// Dry runs call each step's `inspect`; cleanup calls `cleanup` in reverse order for exactly the
// steps that this tool recorded as having created something.
class Runner : public QObject {
    Q_OBJECT
public:
    enum class Mode { Apply, DryRun, Cleanup };

    // state may be null for a dry run (nothing is saved).
    Runner(Plan plan, Context& context, RunState* state, QObject* parent = nullptr);

    void start(Mode mode);
    void retry();                       // runs the failed steps again
    bool skip(const QString& stepId);   // optional failed steps only; then continues

    bool isRunning() const { return m_running > 0; }
    const Plan& plan() const { return m_plan; }
    StepStatus status(const QString& stepId) const;
    StepResult result(const QString& stepId) const { return m_results.value(stepId); }
    qint64 elapsedMs(const QString& stepId) const { return m_elapsed.value(stepId); }

signals:
    void stepStarted(const QString& stepId);
    void stepFinished(const QString& stepId, const dcr::engine::StepResult& result);
    // ok: every step done or skipped. A failed run can continue with retry() or skip().
    void finished(bool ok);

private:
    void adoptCreationTag();
    void schedule();
    void launch(int index);
    void complete(int index, const StepResult& result);
    void startCleanup();
    void cleanupNext();
    void record(const Step& step, const StepResult& result, StepStatus status);
    bool saveState(StepResult* failure);

    Plan m_plan;
    Context& m_context;
    RunState* m_state;
    Mode m_mode = Mode::Apply;
    QList<int> m_order;
    QList<StepStatus> m_status;
    QHash<QString, StepResult> m_results;
    QHash<QString, qint64> m_elapsed;
    QList<int> m_cleanupQueue;
    int m_running = 0;
    bool m_scheduled = false;
    quint64 m_generation = 0;  // ignores answers from steps of an abandoned start()
};

}  // namespace dcr::engine

Q_DECLARE_METATYPE(dcr::engine::StepResult)
