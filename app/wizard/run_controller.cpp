#include "wizard/run_controller.h"

#include "clients/token_client.h"
#include "core/http_client.h"
#include "engine/blueprints/kong_dcr_azure.h"
#include "engine/session.h"
#include "wizard/run_log.h"
#include "wizard/wizard_controller.h"

#include <QJsonDocument>

namespace dcr::wizard {

using engine::StepStatus;

namespace {
bool isCheck(const QString& stepId) { return stepId.startsWith(QLatin1String("validate.")); }
}  // namespace

RunController::RunController(WizardController& wizard, QObject* parent)
    : QObject(parent), m_wizard(wizard), m_plan(this), m_progress(this) {
    // A dropped session takes its runner and every step in flight with it.
    connect(&m_wizard, &WizardController::sessionDropping, this, [this] {
        if (isBusy())
            setPhase(Phase::Idle);
    });
}

void RunController::attach() {
    engine::Runner& runner = m_wizard.session().runner();
    if (m_attached == &runner)
        return;
    m_attached = &runner;
    connect(&runner, &engine::Runner::stepStarted, this, &RunController::onStepStarted);
    connect(&runner, &engine::Runner::stepFinished, this, &RunController::onStepFinished);
    connect(&runner, &engine::Runner::finished, this, &RunController::onFinished);
    connect(&m_wizard.session().http(), &HttpClient::attemptFinished, this, &RunController::onAttempt);
}

void RunController::onAttempt(const HttpAttempt& attempt) {
    if (!isBusy())
        return;
    QString stepId = attempt.origin;
    // A request sent after a pause of the step's own (a timer, the keychain's answer) has lost its
    // origin; it can only be the running step's if one step runs.
    if (stepId.isEmpty()) {
        QStringList running;
        for (const StepListModel::Row& row : current().rows()) {
            if (row.status == StepStatus::Running)
                running << row.step.id;
        }
        if (running.size() != 1)
            return;
        stepId = running.first();
    }
    if (attempt.retryInMs >= 0)
        current().retryScheduled(stepId, attempt.retryInMs, attempt.retryReason);
    else
        current().retryAttempted(stepId);
}

void RunController::begin(Phase phase, StepListModel& model, bool dryRun) {
    attach();
    engine::Session& session = m_wizard.session();
    // Ids found by an earlier run for other answers must not leak into this one; the runner
    // merges the saved state's ids itself when it applies or cleans up.
    session.context().outputs = {};
    m_foundForeign = false;
    model.reset(session.runner().plan(), dryRun);
    setPhase(phase);
}

void RunController::startDryRun() {
    begin(Phase::Planning, m_plan, true);
    // The Apply page's list of steps is filled while the plan is reviewed: the click on Apply
    // then only clears its rows instead of laying the whole list out (tests/perf/apply_watchdog).
    m_progress.reset(m_wizard.session().runner().plan(), false);
    m_wizard.log().append(tr("Checking what exists and what the setup would do (nothing is changed)."));
    m_wizard.session().runner().start(engine::Runner::Mode::DryRun);
}

void RunController::startApply() {
    begin(Phase::Applying, m_progress, false);
    m_wizard.log().append(tr("Setting up '%1'.").arg(m_wizard.profile().name));
    engine::Runner& runner = m_wizard.session().runner();
    runner.start(engine::Runner::Mode::Apply);
    // Steps a resumed run finds done in the saved state are settled without signals.
    m_progress.syncStatuses(runner);
}

void RunController::retry() {
    if (!m_attached || isBusy())
        return;
    setPhase(m_phase == Phase::CleanupFailed ? Phase::CleaningUp : m_phase == Phase::PlanFailed ? Phase::Planning : Phase::Applying);
    m_wizard.log().append(tr("Retrying the failed steps."));
    m_attached->retry();
}

bool RunController::skip(const QString& stepId) {
    if (!m_attached || isBusy())
        return false;
    setPhase(Phase::Applying);
    if (m_attached->skip(stepId))
        return true;
    setPhase(Phase::ApplyFailed);
    return false;
}

void RunController::startCleanup() {
    begin(Phase::CleaningUp, m_progress, false);
    m_wizard.log().append(tr("Cleaning up what this tool created for '%1'.").arg(m_wizard.profile().name));
    m_wizard.session().runner().start(engine::Runner::Mode::Cleanup);
}

void RunController::onStepStarted(const QString& stepId) {
    current().stepStarted(stepId);
    if (const auto row = current().row(stepId))
        m_wizard.log().append(tr("Started: %1").arg(row->step.title));
}

void RunController::onStepFinished(const QString& stepId, const engine::StepResult& result) {
    StepListModel& model = current();
    model.stepFinished(stepId, result, m_attached ? m_attached->elapsedMs(stepId) : -1);
    m_foundForeign = m_foundForeign || result.foreign || (result.error && result.error->code == QLatin1String("adoption_needed"));
    const QString title = model.row(stepId) ? model.row(stepId)->step.title : stepId;
    if (result.ok()) {
        m_wizard.log().append(tr("%1: %2 — %3").arg(engine::outcomeName(result.outcome), title, result.summary));
    } else {
        m_wizard.log().append(tr("Failed: %1 — %2").arg(title, result.error->what));
        m_wizard.log().append(tr("  What to do: %1").arg(result.error->remedy));
        if (!result.error->rawDetail.isEmpty())
            m_wizard.log().append(tr("  Detail: %1").arg(result.error->rawDetail));
    }
    if (m_phase == Phase::Applying && stepId == QLatin1String("azure.client-secret") && result.ok() &&
        result.outputs.value(engine::keys::kSecretStorage).toString() == QLatin1String("shown-once"))
        emit secretNeedsShowing();
}

void RunController::onFinished(bool ok) {
    if (m_attached)
        current().syncStatuses(*m_attached);
    switch (m_phase) {
    case Phase::Planning:
        setPhase(ok ? Phase::Planned : Phase::PlanFailed);
        break;
    case Phase::Applying:
        m_wizard.log().append(ok ? tr("The setup is complete.") : tr("The setup stopped at a failed step."));
        setPhase(ok ? Phase::Applied : Phase::ApplyFailed);
        break;
    case Phase::CleaningUp:
        m_wizard.log().append(ok ? tr("Clean-up is complete.") : tr("Clean-up stopped at a failed step."));
        setPhase(ok ? Phase::CleanedUp : Phase::CleanupFailed);
        break;
    default:
        break;
    }
}

std::optional<RunController::Failure> RunController::failure() const {
    const StepListModel& model = m_phase == Phase::PlanFailed ? m_plan : m_progress;
    for (const StepListModel::Row& row : model.rows()) {
        if (row.status != StepStatus::Failed || !row.result.error)
            continue;
        return Failure{row.step.id, row.step.title, row.result.error->what, row.result.error->remedy, row.step.optional};
    }
    return std::nullopt;
}

std::optional<RunController::Waiting> RunController::waitingToRetry() const {
    std::optional<Waiting> soonest;
    const StepListModel& model = m_phase == Phase::Planning ? m_plan : m_progress;
    for (const StepListModel::Row& row : model.rows()) {
        const qint64 remaining = StepListModel::retryRemainingMs(row);
        if (remaining >= 0 && (!soonest || remaining < soonest->remainingMs))
            soonest = Waiting{row.step.title, row.retryReason, remaining};
    }
    return soonest;
}

bool RunController::provisioned() const {
    if (m_progress.isDryRun() || m_progress.rows().isEmpty() || m_phase == Phase::CleaningUp || m_phase == Phase::CleanedUp ||
        m_phase == Phase::CleanupFailed)
        return false;
    return std::all_of(m_progress.rows().begin(), m_progress.rows().end(), [](const StepListModel::Row& row) {
        return isCheck(row.step.id) || row.status == StepStatus::Done || row.status == StepStatus::Skipped;
    });
}

bool RunController::validationPassed() const {
    if (!provisioned() || isBusy())
        return false;
    bool ranOne = false;
    for (const StepListModel::Row& row : m_progress.rows()) {
        if (!isCheck(row.step.id))
            continue;
        if (row.status != StepStatus::Done && row.status != StepStatus::Skipped)
            return false;
        ranOne = ranOne || row.status == StepStatus::Done;
    }
    return ranOne;
}

QJsonObject RunController::outputs() { return m_wizard.session().context().outputs; }

const engine::Ownership& RunController::ownership() { return m_wizard.session().context().ownership; }

QString RunController::secretToShowOnce() {
    const engine::Context& context = m_wizard.session().context();
    if (context.output(engine::keys::kSecretStorage) != QLatin1String("shown-once"))
        return {};
    return context.secret(engine::keys::kClientSecret);
}

QString RunController::validationTokenClaims() {
    const QString token = m_wizard.session().context().secret(engine::keys::kValidationToken);
    QJsonObject header;
    QJsonObject claims;
    if (token.isEmpty() || !decodeJwt(token.toUtf8(), &header, &claims))
        return {};
    return QString::fromUtf8(QJsonDocument(claims).toJson(QJsonDocument::Indented));
}

void RunController::setPhase(Phase phase) {
    m_phase = phase;
    emit phaseChanged();
}

}  // namespace dcr::wizard
