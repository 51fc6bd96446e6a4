#include "engine/runner.h"

#include "core/http_client.h"

#include <QDateTime>

#include <memory>
#include <optional>

namespace dcr::engine {

namespace {

Outcome outcomeFromName(const QString& name) {
    for (Outcome o : {Outcome::Created, Outcome::Adopted, Outcome::Updated, Outcome::Verified, Outcome::WouldCreate,
                      Outcome::WouldUpdate, Outcome::WouldCheck, Outcome::Skipped})
        if (outcomeName(o) == name)
            return o;
    return Outcome::Verified;
}

void merge(QJsonObject& into, const QJsonObject& from) {
    for (auto it = from.begin(); it != from.end(); ++it)
        into.insert(it.key(), it.value());
}

}  // namespace

Runner::Runner(Plan plan, Context& context, RunState* state, QObject* parent)
    : QObject(parent), m_plan(std::move(plan)), m_context(context), m_state(state) {
    qRegisterMetaType<dcr::engine::StepResult>();
}

StepStatus Runner::status(const QString& stepId) const {
    for (int i = 0; i < m_plan.size(); ++i)
        if (m_plan.at(i).id == stepId)
            return m_status.value(i, StepStatus::Pending);
    return StepStatus::Pending;
}

void Runner::start(Mode mode) {
    ++m_generation;
    m_mode = mode;
    m_running = 0;
    m_results.clear();
    m_elapsed.clear();
    m_status = QList<StepStatus>(m_plan.size(), StepStatus::Pending);
    QString error;
    m_order = dependencyOrder(m_plan, &error);
    if (m_order.isEmpty() && !m_plan.isEmpty()) {
        qWarning("dcr.engine: %s", qPrintable(error));
        emit finished(false);
        return;
    }
    if (m_state) {
        // A dry run reads what is this setup's own, to say so, and changes nothing.
        m_context.ownership = m_state->ownership;
        if (mode != Mode::DryRun) {
            merge(m_context.outputs, m_state->outputs);
            m_state->profileName = m_context.profile.name;
        }
        m_context.creationTag = m_state->creationTag;
    }
    // Steps record what they create the moment it exists; that is saved at once.
    m_context.persist = [this, mode] {
        if (!m_state || mode == Mode::DryRun)
            return;
        m_state->ownership = m_context.ownership;
        QString error;
        if (!m_state->save(&error))
            qWarning("dcr.engine: %s", qPrintable(error));
    };
    if (mode == Mode::Apply)
        adoptCreationTag();
    if (mode == Mode::Cleanup) {
        startCleanup();
        return;
    }
    // Resume: what the saved state records as done is not done again.
    if (m_state && mode == Mode::Apply) {
        for (int i = 0; i < m_plan.size(); ++i) {
            const auto record = m_state->steps.find(m_plan.at(i).id);
            if (record == m_state->steps.end() || (record->status != QLatin1String("done") && record->status != QLatin1String("skipped")))
                continue;
            m_status[i] = record->status == QLatin1String("done") ? StepStatus::Done : StepStatus::Skipped;
            m_results.insert(m_plan.at(i).id, StepResult::done(outcomeFromName(record->outcome), record->summary));
        }
    }
    schedule();
}

void Runner::adoptCreationTag() {
    if (m_state && m_state->creationTag.isEmpty()) {
        m_state->creationTag = RunState::newCreationTag();
        // Saved before any request: a create cut short must find its tag again on resume. Should
        // this fail, the first step's own save reports it before anything more is created.
        QString error;
        if (!m_state->save(&error))
            qWarning("dcr.engine: %s", qPrintable(error));
    }
    if (m_state)
        m_context.creationTag = m_state->creationTag;
    else if (m_context.creationTag.isEmpty())
        m_context.creationTag = RunState::newCreationTag();
}

void Runner::retry() {
    if (isRunning())
        return;
    for (StepStatus& s : m_status)
        if (s == StepStatus::Failed)
            s = StepStatus::Pending;
    if (m_mode == Mode::Cleanup)
        cleanupNext();
    else
        schedule();
}

bool Runner::skip(const QString& stepId) {
    for (int i = 0; i < m_plan.size(); ++i) {
        const Step& step = m_plan.at(i);
        if (step.id != stepId || !step.optional || m_status.at(i) != StepStatus::Failed)
            continue;
        m_status[i] = StepStatus::Skipped;
        const StepResult skipped = StepResult::done(Outcome::Skipped, tr("Skipped: %1").arg(step.title));
        m_results.insert(step.id, skipped);
        record(step, skipped, StepStatus::Skipped);
        StepResult saveFailure;
        saveState(&saveFailure);
        emit stepFinished(step.id, skipped);
        if (!isRunning())
            schedule();
        return true;
    }
    return false;
}

void Runner::schedule() {
    const bool blocked = m_status.contains(StepStatus::Failed);
    if (!blocked) {
        for (int index : m_order) {
            if (m_status.at(index) != StepStatus::Pending)
                continue;
            bool ready = true;
            for (const QString& dep : m_plan.at(index).dependsOn) {
                const StepStatus s = status(dep);
                ready = ready && (s == StepStatus::Done || s == StepStatus::Skipped);
            }
            if (ready)
                launch(index);
        }
    }
    if (m_running > 0)
        return;
    const bool allDone = std::all_of(m_status.begin(), m_status.end(),
                                     [](StepStatus s) { return s == StepStatus::Done || s == StepStatus::Skipped; });
    if (allDone || m_status.contains(StepStatus::Failed))
        emit finished(allDone);
}

void Runner::launch(int index) {
    const Step& step = m_plan.at(index);
    m_status[index] = StepStatus::Running;
    ++m_running;
    emit stepStarted(step.id);
    const StepAction& action = m_mode == Mode::DryRun ? step.inspect : step.apply;
    auto timer = std::make_shared<QElapsedTimer>();
    timer->start();
    auto answered = std::make_shared<bool>(false);
    const quint64 generation = m_generation;
    StepDone done = [this, index, generation, timer, answered](const StepResult& result) {
        // A step answers once; a late answer from an abandoned run is ignored.
        if (*answered || generation != m_generation)
            return;
        *answered = true;
        m_elapsed.insert(m_plan.at(index).id, timer->elapsed());
        // Finish on the next turn of the event loop so that a step answering synchronously never
        // re-enters the scheduler from inside its own action.
        QMetaObject::invokeMethod(this, [this, index, result, generation] {
            if (generation == m_generation)
                complete(index, result);
        }, Qt::QueuedConnection);
    };
    if (!action) {
        done(StepResult::done(Outcome::Verified, tr("Nothing to do.")));
        return;
    }
    // The step's requests are reported under its id, e.g. for its row's retry countdown.
    std::optional<HttpClient::Origin> origin;
    if (m_context.services.http)
        origin.emplace(*m_context.services.http, step.id);
    action(m_context, done);
}

void Runner::complete(int index, const StepResult& given) {
    const Step& step = m_plan.at(index);
    --m_running;
    StepResult result = given;
    if (result.ok()) {
        merge(m_context.outputs, result.outputs);
        const StepStatus status = result.outcome == Outcome::Skipped ? StepStatus::Skipped : StepStatus::Done;
        if (m_mode == Mode::Apply) {
            record(step, result, status);
            saveState(&result);
        }
        m_status[index] = result.ok() ? status : StepStatus::Failed;
    } else {
        m_status[index] = StepStatus::Failed;
        if (m_mode == Mode::Apply) {
            record(step, result, StepStatus::Failed);
            StepResult ignored;
            saveState(&ignored);
        }
    }
    m_results.insert(step.id, result);
    emit stepFinished(step.id, result);
    schedule();
}

void Runner::record(const Step& step, const StepResult& result, StepStatus status) {
    if (!m_state)
        return;
    RunState::StepRecord& r = m_state->steps[step.id];
    r.status = status == StepStatus::Done ? QStringLiteral("done")
               : status == StepStatus::Skipped ? QStringLiteral("skipped")
                                               : QStringLiteral("failed");
    if (result.ok()) {
        r.outcome = outcomeName(result.outcome);
        r.summary = result.summary;
    } else {
        r.summary = result.error->what;
    }
    r.updatedAt = QDateTime::currentDateTimeUtc().toString(Qt::ISODate);
    m_state->outputs = m_context.outputs;
    m_state->ownership = m_context.ownership;
}

bool Runner::saveState(StepResult* failure) {
    if (!m_state)
        return true;
    QString error;
    if (m_state->save(&error))
        return true;
    Error e;
    e.code = QStringLiteral("state_not_saved");
    e.what = error;
    e.remedy = tr("Free some disk space or fix the folder's permissions, then retry; nothing created so far is lost.");
    e.retryable = true;
    *failure = StepResult::failed(e);
    return false;
}

void Runner::startCleanup() {
    m_cleanupQueue.clear();
    // Every step that can undo something runs, in reverse order: each removes exactly the objects
    // the ownership record says it created (checking each again first), and the steps that find
    // what they create by name also look for objects carrying this setup's tag that were never
    // recorded. A setup that has neither records nor a tag has nothing to clean up.
    const bool anything = m_state && (!m_context.ownership.created().isEmpty() || !m_state->creationTag.isEmpty());
    for (auto it = m_order.rbegin(); it != m_order.rend(); ++it) {
        const Step& step = m_plan.at(*it);
        if (anything && step.cleanup)
            m_cleanupQueue.append(*it);
        else
            m_status[*it] = StepStatus::Skipped;
    }
    cleanupNext();
}

void Runner::cleanupNext() {
    if (m_cleanupQueue.isEmpty()) {
        // The progress goes once nothing of this setup's is left; what it only used stays its
        // owners', and the file with it would only say so.
        QString error;
        if (m_state && m_context.ownership.created().isEmpty() && !m_state->remove(&error))
            qWarning("dcr.engine: %s", qPrintable(error));
        emit finished(true);
        return;
    }
    const int index = m_cleanupQueue.first();
    const Step& step = m_plan.at(index);
    m_status[index] = StepStatus::Running;
    ++m_running;
    emit stepStarted(step.id);
    const quint64 generation = m_generation;
    auto answered = std::make_shared<bool>(false);
    std::optional<HttpClient::Origin> origin;
    if (m_context.services.http)
        origin.emplace(*m_context.services.http, step.id);
    step.cleanup(m_context, [this, index, generation, answered](const StepResult& result) {
        if (*answered || generation != m_generation)
            return;
        *answered = true;
        QMetaObject::invokeMethod(this, [this, index, result, generation] {
            if (generation != m_generation)
                return;
            --m_running;
            const Step& step = m_plan.at(index);
            m_results.insert(step.id, result);
            if (!result.ok()) {
                m_status[index] = StepStatus::Failed;
                emit stepFinished(step.id, result);
                emit finished(false);
                return;
            }
            m_status[index] = StepStatus::Done;
            m_cleanupQueue.removeFirst();
            m_state->steps.remove(step.id);
            m_state->ownership = m_context.ownership;
            StepResult ignored;
            saveState(&ignored);
            emit stepFinished(step.id, result);
            cleanupNext();
        }, Qt::QueuedConnection);
    });
}

}  // namespace dcr::engine
