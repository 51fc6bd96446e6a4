#pragma once

#include "engine/ownership.h"
#include "wizard/step_list_model.h"

#include <QJsonObject>
#include <QObject>
#include <QPointer>

#include <optional>

namespace dcr {
struct HttpAttempt;
}

namespace dcr::wizard {

class WizardController;

// Runs the plan for the Review, Apply, Validate and Summary pages through the session's Runner:
// the dry run into one list, the real run (and cleanup) into another, each step's progress and
// outcome into the log, and what a failure needs for Retry, Skip and Clean up.
class RunController : public QObject {
    Q_OBJECT
public:
    enum class Phase { Idle, Planning, Planned, PlanFailed, Applying, Applied, ApplyFailed, CleaningUp, CleanedUp, CleanupFailed };

    struct Failure {
        QString stepId;
        QString title;
        QString what;
        QString remedy;
        bool optional = false;  // may be skipped
    };

    explicit RunController(WizardController& wizard, QObject* parent = nullptr);

    StepListModel& planModel() { return m_plan; }
    StepListModel& progressModel() { return m_progress; }
    const StepListModel& progressModel() const { return m_progress; }

    void startDryRun();
    void startApply();
    void retry();
    bool skip(const QString& stepId);
    // Deletes what this tool created, newest first.
    void startCleanup();

    Phase phase() const { return m_phase; }
    bool isBusy() const { return m_phase == Phase::Planning || m_phase == Phase::Applying || m_phase == Phase::CleaningUp; }
    // The first failed step of the current run.
    std::optional<Failure> failure() const;
    // A running step of the current run waiting to repeat a request (the one whose attempt comes
    // soonest), and how long until it does.
    struct Waiting {
        QString title;
        QString reason;
        qint64 remainingMs = 0;
    };
    std::optional<Waiting> waitingToRetry() const;
    // The current run met objects that exist and were not created by dcr-wizard.
    bool foundForeignObjects() const { return m_foundForeign; }
    // Every step but the checks is done or skipped: the setup exists.
    bool provisioned() const;
    // Every check ran, and none failed.
    bool validationPassed() const;

    // Ids the run found or made (never secrets).
    QJsonObject outputs();
    // Which objects of the setup it made and which it only uses.
    const engine::Ownership& ownership();
    // Without a keychain the client secret exists only in memory: the user must copy it once.
    QString secretToShowOnce();
    // The claims of the token the validation obtained, as indented JSON (never the token itself).
    QString validationTokenClaims();

signals:
    void phaseChanged();
    // The client secret was created but no keychain holds it: show it once (secretToShowOnce()).
    void secretNeedsShowing();

private:
    void attach();
    void begin(Phase phase, StepListModel& model, bool dryRun);
    void onStepStarted(const QString& stepId);
    void onStepFinished(const QString& stepId, const engine::StepResult& result);
    void onFinished(bool ok);
    // Each request's attempts, for the countdown of a step that waits to repeat one.
    void onAttempt(const HttpAttempt& attempt);
    void setPhase(Phase phase);
    StepListModel& current() { return m_phase == Phase::Planning || m_phase == Phase::Planned || m_phase == Phase::PlanFailed ? m_plan : m_progress; }

    WizardController& m_wizard;
    StepListModel m_plan;
    StepListModel m_progress;
    Phase m_phase = Phase::Idle;
    bool m_foundForeign = false;
    QPointer<engine::Runner> m_attached;
};

}  // namespace dcr::wizard
