#include "wizard/review_page.h"

#include "wizard/run_controller.h"
#include "wizard/wizard_controller.h"

#include <QCheckBox>
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
      m_retry(new QPushButton(tr("Check a&gain"))),
      m_adopt(new QCheckBox(tr("&Use the existing objects marked 'not created by dcr-wizard' (clean-up never deletes them)"))) {
    setTitle(tr("Review"));
    setSubTitle(tr("This is what the setup will do. Nothing has been changed yet."));
    setCommitPage(true);
    setButtonText(QWizard::CommitButton, tr("&Apply"));

    m_plan->setColumnHidden(StepListModel::ElapsedColumn, true);
    m_retry->setObjectName(QStringLiteral("reviewRetryButton"));
    m_retry->setAccessibleName(tr("Check again"));

    // Consent to use what someone else made: asked only when the plan meets such an object, and
    // the plan is looked at again with the answer, so that it says what will happen to each.
    m_adopt->setObjectName(QStringLiteral("reviewAdoptCheck"));
    m_adopt->setAccessibleName(tr("Use existing objects not created by dcr-wizard"));
    m_adopt->setVisible(false);

    body()->addWidget(m_plan, 1);
    body()->addWidget(m_status);
    body()->addWidget(m_adopt);
    body()->addWidget(m_retry, 0, Qt::AlignLeft);

    connect(m_retry, &QPushButton::clicked, &controller.run(), &RunController::startDryRun);
    connect(m_adopt, &QCheckBox::toggled, this, [this](bool allow) {
        this->controller().setAllowAdoption(allow);
        this->controller().run().startDryRun();
    });
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
    const RunController& run = controller().run();
    // Applying a plan that would stop at someone else's object helps nobody.
    return controller().profileProblems().isEmpty() && run.phase() == RunController::Phase::Planned &&
           (!run.foundForeignObjects() || controller().allowAdoption());
}

void ReviewPage::refresh() {
    const RunController& run = controller().run();
    m_retry->setVisible(run.phase() == RunController::Phase::PlanFailed);
    m_adopt->setVisible(m_adopt->isChecked() || run.foundForeignObjects());
    switch (run.phase()) {
    case RunController::Phase::Planning:
        setMessage(m_status, tr("Looking at what exists in Microsoft Entra ID and Konnect…"), Tone::Neutral);
        break;
    case RunController::Phase::Planned:
        if (run.foundForeignObjects() && !controller().allowAdoption())
            setMessage(m_status, tr("Some objects already exist and were not created by dcr-wizard. The setup will not touch them: "
                                    "allow it to use them below, or go back and choose other names."));
        else
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
