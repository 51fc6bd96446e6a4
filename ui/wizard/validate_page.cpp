#include "wizard/validate_page.h"

#include "wizard/run_controller.h"
#include "wizard/wizard_controller.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSortFilterProxyModel>
#include <QTreeView>
#include <QVBoxLayout>

namespace dcr::ui {

using wizard::RunController;
using wizard::StepListModel;
using wizard::WizardController;

namespace {

// Konnect's own verification of the DCR provider proves the setup as much as the validate.* steps do.
QSortFilterProxyModel* checksOf(StepListModel& steps, QObject* parent) {
    auto* checks = new QSortFilterProxyModel(parent);
    checks->setSourceModel(&steps);
    checks->setFilterRole(StepListModel::StepIdRole);
    checks->setFilterRegularExpression(QRegularExpression(QStringLiteral("^(validate\\.|konnect\\.verify-provider$)")));
    return checks;
}

}  // namespace

ValidatePage::ValidatePage(WizardController& controller, QWidget* parent)
    : WizardPage(controller, QStringLiteral("validatePage"), parent),
      m_checks(checksOf(controller.run().progressModel(), this)),
      m_view(stepView(QStringLiteral("validateView"), tr("Validation checks"), *m_checks)),
      m_result(messageLabel(QStringLiteral("validateResult"), tr("Validation result"))),
      m_retry(new QPushButton(tr("&Run the checks again"))),
      m_showClaims(new QPushButton(tr("Show the token's c&laims"))),
      m_claims(new QPlainTextEdit) {
    setTitle(tr("Validation"));
    setSubTitle(tr("The checks ask Entra ID for a token the way Kong will, verify it, and let Konnect test the app's credentials."));


    m_retry->setObjectName(QStringLiteral("validateRetryButton"));
    m_retry->setAccessibleName(tr("Run the failed checks again"));
    m_showClaims->setObjectName(QStringLiteral("showClaimsButton"));
    m_showClaims->setAccessibleName(tr("Show the validation token's claims"));
    m_showClaims->setCheckable(true);
    m_claims->setObjectName(QStringLiteral("claimsView"));
    m_claims->setAccessibleName(tr("Token claims"));
    m_claims->setReadOnly(true);
    m_claims->setVisible(false);

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_retry);
    buttons->addWidget(m_showClaims);
    buttons->addStretch();
    body()->addWidget(m_view, 1);
    body()->addWidget(m_result);
    body()->addLayout(buttons);
    body()->addWidget(m_claims, 1);

    RunController& run = controller.run();
    connect(m_retry, &QPushButton::clicked, &run, &RunController::retry);
    connect(m_showClaims, &QPushButton::toggled, this, [this](bool show) {
        m_claims->setPlainText(show ? this->controller().run().validationTokenClaims() : QString());
        m_claims->setVisible(show);
    });
    connect(&run, &RunController::phaseChanged, this, &ValidatePage::refresh);
}

void ValidatePage::initializePage() { refresh(); }

bool ValidatePage::isComplete() const { return !controller().run().isBusy(); }

void ValidatePage::refresh() {
    RunController& run = controller().run();
    const bool passed = run.validationPassed();
    const auto failure = run.isBusy() ? std::nullopt : run.failure();
    if (run.isBusy())
        setMessage(m_result, tr("Checking…"), Tone::Neutral);
    else if (passed && controller().profile().blueprint == Profile::Blueprint::DynamicsClient)
        setMessage(m_result, tr("All checks passed: the app registration is as asked%1.")
                                 .arg(controller().profile().dynamics.testSignIn ? tr(", and a user signed in through it got a token for Dynamics 365")
                                                                                  : QString()),
                   Tone::Good);
    else if (passed)
        setMessage(m_result, tr("All checks passed: Konnect can register applications in your tenant, and their tokens are what Kong expects."),
                   Tone::Good);
    else if (failure)
        setMessage(m_result, tr("%1: %2\nWhat to do: %3").arg(failure->title, failure->what, failure->remedy));
    else
        setMessage(m_result, tr("The checks did not run."));
    m_retry->setVisible(!run.isBusy() && failure.has_value());
    m_showClaims->setEnabled(passed && !run.validationTokenClaims().isEmpty());
    emit completeChanged();
}

}  // namespace dcr::ui
