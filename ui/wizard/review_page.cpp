#include "wizard/review_page.h"

#include "wizard/run_controller.h"
#include "wizard/wizard_controller.h"

#include <QLabel>
#include <QPushButton>
#include <QTreeView>
#include <QVBoxLayout>

namespace dcr::ui {

using wizard::RunController;
using wizard::StepListModel;
using wizard::WizardController;

ReviewPage::ReviewPage(WizardController& controller, QWidget* parent)
    : WizardPage(controller, QStringLiteral("reviewPage"), parent),
      m_plan(stepView(QStringLiteral("planView"), tr("Planned steps"), controller.run().planModel())),
      m_status(messageLabel(QStringLiteral("reviewStatus"), tr("Review status"))),
      m_retry(new QPushButton(tr("Check a&gain"))) {
    setTitle(tr("Review"));
    setSubTitle(tr("This is what the setup will do. Nothing has been changed yet."));
    setCommitPage(true);
    setButtonText(QWizard::CommitButton, tr("&Apply"));

    m_plan->setColumnHidden(StepListModel::ElapsedColumn, true);
    m_retry->setObjectName(QStringLiteral("reviewRetryButton"));
    m_retry->setAccessibleName(tr("Check again"));

    body()->addWidget(m_plan, 1);
    body()->addWidget(m_status);
    body()->addWidget(m_retry, 0, Qt::AlignLeft);

    connect(m_retry, &QPushButton::clicked, &controller.run(), &RunController::startDryRun);
    connect(&controller.run(), &RunController::phaseChanged, this, &ReviewPage::refresh);
}

void ReviewPage::initializePage() {
    const QStringList problems = controller().profileProblems();
    if (!problems.isEmpty()) {
        setMessage(m_status, tr("Some answers need fixing first (go back):\n• %1").arg(problems.join(QStringLiteral("\n• "))));
        m_retry->setVisible(false);
        return;
    }
    controller().run().startDryRun();
}

bool ReviewPage::isComplete() const {
    return controller().profileProblems().isEmpty() && controller().run().phase() == RunController::Phase::Planned;
}

void ReviewPage::refresh() {
    const RunController& run = controller().run();
    m_retry->setVisible(run.phase() == RunController::Phase::PlanFailed);
    switch (run.phase()) {
    case RunController::Phase::Planning:
        setMessage(m_status, tr("Looking at what exists in Microsoft Entra ID and Konnect…"), Tone::Neutral);
        break;
    case RunController::Phase::Planned:
        setMessage(m_status, tr("Press Apply to make these changes. Every step finds what exists before creating anything, "
                                "so running the setup again is safe."),
                   Tone::Neutral);
        break;
    case RunController::Phase::PlanFailed:
        if (const auto failure = run.failure())
            setMessage(m_status, tr("%1: %2\n%3").arg(failure->title, failure->what, failure->remedy));
        break;
    default:
        break;
    }
    emit completeChanged();
}

}  // namespace dcr::ui
