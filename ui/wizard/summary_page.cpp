#include "wizard/summary_page.h"

#include "engine/blueprints/kong_dcr_azure.h"
#include "wizard/azure_guide.h"
#include "wizard/cleanup_confirm.h"
#include "wizard/deep_links.h"
#include "wizard/dynamics_fields.h"
#include "wizard/dynamics_summary_box.h"
#include "wizard/report.h"
#include "wizard/run_controller.h"
#include "wizard/wizard_controller.h"

#include <QDir>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace dcr::ui {

using wizard::RunController;
using wizard::WizardController;

namespace {

QString link(const QUrl& url, const QString& text) {
    return QStringLiteral("<a href=\"%1\">%2</a>").arg(url.toString(QUrl::FullyEncoded).toHtmlEscaped(), text.toHtmlEscaped());
}

}  // namespace

SummaryPage::SummaryPage(WizardController& controller, QWidget* parent)
    : WizardPage(controller, QStringLiteral("summaryPage"), parent),
      m_headline(new QLabel),
      m_objects(new QTreeWidget),
      m_links(new QLabel),
      m_consentLink(new QLabel),
      m_exportProfile(new QPushButton(tr("&Export the profile…"))),
      m_exportReport(new QPushButton(tr("Export a &report…"))),
      m_exportStatus(messageLabel(QStringLiteral("exportStatus"), tr("Export status"))),
      m_cleanup(new CleanupConfirm(tr("Clean &up everything this created"), QStringLiteral("summaryCleanupButton"))),
      m_dynamics(new DynamicsSummaryBox) {
    setTitle(tr("Summary"));
    setSubTitle(tr("What exists now. The ids help when you look for these objects in the Azure portal or Konnect."));
    setFinalPage(true);

    m_headline->setObjectName(QStringLiteral("summaryHeadline"));
    m_headline->setWordWrap(true);
    QFont bold = m_headline->font();
    bold.setBold(true);
    m_headline->setFont(bold);
    m_objects->setObjectName(QStringLiteral("summaryObjects"));
    m_objects->setAccessibleName(tr("What exists now"));
    m_objects->setHeaderLabels({tr("What"), tr("Details"), tr("Made by")});
    m_objects->setRootIsDecorated(false);
    m_objects->setWordWrap(true);
    // The ids get the room; who made each object is a short phrase.
    m_objects->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_objects->header()->setSectionResizeMode(1, QHeaderView::Stretch);
    m_objects->header()->setSectionResizeMode(2, QHeaderView::ResizeToContents);
    m_objects->header()->setStretchLastSection(false);
    for (QLabel* label : {m_links, m_consentLink}) {
        label->setOpenExternalLinks(true);
        label->setTextInteractionFlags(Qt::TextBrowserInteraction);
        label->setWordWrap(true);
    }
    m_links->setObjectName(QStringLiteral("deepLinks"));
    m_links->setAccessibleName(tr("Links to what the setup made"));
    m_consentLink->setObjectName(QStringLiteral("adminConsentLink"));
    m_consentLink->setAccessibleName(tr("Admin consent link"));
    m_exportProfile->setObjectName(QStringLiteral("exportProfileButton"));
    m_exportProfile->setAccessibleName(tr("Export the profile"));
    m_exportProfile->setToolTip(tr("The answers of this setup, without any secret, to run it again or to send to support."));
    m_exportReport->setObjectName(QStringLiteral("exportReportButton"));
    m_exportReport->setAccessibleName(tr("Export a report"));
    m_exportReport->setToolTip(tr("A Markdown report for a ticket: what exists, every step and its outcome. No secrets."));

    auto* exports = new QHBoxLayout;
    exports->addWidget(m_exportProfile);
    exports->addWidget(m_exportReport);
    exports->addStretch();
    body()->addWidget(m_headline);
    body()->addWidget(m_objects, 1);
    body()->addWidget(m_dynamics);
    body()->addWidget(m_links);
    body()->addWidget(m_consentLink);
    body()->addLayout(exports);
    body()->addWidget(m_exportStatus);
    body()->addSpacing(8);
    body()->addWidget(m_cleanup);

    connect(m_exportProfile, &QPushButton::clicked, this, [this] {
        exportFile(QStringLiteral("exportProfileDialog"), tr("Export the profile"), this->controller().profile().name + QStringLiteral(".json"),
                   false);
    });
    connect(m_exportReport, &QPushButton::clicked, this, [this] {
        exportFile(QStringLiteral("exportReportDialog"), tr("Export a report"),
                   this->controller().profile().name + QStringLiteral("-report.md"), true);
    });
    connect(m_cleanup, &CleanupConfirm::confirmed, &controller.run(), &RunController::startCleanup);
    connect(&controller.run(), &RunController::phaseChanged, this, &SummaryPage::refresh);
}

void SummaryPage::initializePage() { refresh(); }

void SummaryPage::refresh() {
    RunController& run = controller().run();
    const Profile& profile = controller().profile();
    const QJsonObject outputs = run.outputs();
    const bool cleanedUp = run.phase() == RunController::Phase::CleanedUp;
    if (run.phase() == RunController::Phase::CleaningUp)
        m_headline->setText(tr("Deleting what this tool created…"));
    else if (cleanedUp)
        m_headline->setText(tr("Everything this tool created was deleted."));
    else if (run.phase() == RunController::Phase::CleanupFailed && run.failure())
        m_headline->setText(tr("The clean-up stopped: %1 %2").arg(run.failure()->what, run.failure()->remedy));
    else if (run.validationPassed() && profile.blueprint == Profile::Blueprint::DynamicsClient)
        m_headline->setText(tr("Done: the app is registered for Dynamics 365 and passed every check. Paste its client ID and redirect "
                               "URI into your client application."));
    else if (run.validationPassed())
        m_headline->setText(tr("Done: your Dev Portal registers applications in Microsoft Entra ID, and a token for the app passed every check."));
    else
        m_headline->setText(tr("The setup exists, but not every check passed; the report has the details."));

    m_objects->clear();
    if (!cleanedUp) {
        for (const wizard::ExistingObject& object : wizard::whatExists(profile, outputs, run.ownership())) {
            auto* item = new QTreeWidgetItem(m_objects, {object.what, object.details, object.owner});
            item->setToolTip(1, object.details);
            item->setToolTip(2, object.owner);
        }
    }
    const QString appId = outputs.value(engine::keys::kAppId).toString();
    const QString tenantId = outputs.value(engine::keys::kTenantId).toString();
    const bool hasApp = !appId.isEmpty() && !cleanedUp;
    // Tab moves from link to link; Enter opens the one with the focus.
    QStringList links;
    const QUrl sandboxState = controller().isSandbox() ? controller().sandboxStateUrl() : QUrl();
    for (const wizard::DeepLink& deepLink : wizard::deepLinks(profile, cleanedUp ? QJsonObject() : outputs, sandboxState))
        links << link(deepLink.url, deepLink.text);
    m_links->setText(links.isEmpty() ? QString() : tr("Open:") + QStringLiteral("<br>") + links.join(QStringLiteral("<br>")));
    m_links->setVisible(!links.isEmpty());
    m_consentLink->setVisible(hasApp);
    if (hasApp) {
        const QUrl consent = wizard::adminConsentUrl(controller().endpoints().login, tenantId.isEmpty() ? profile.azure.tenant : tenantId, appId);
        m_consentLink->setText(tr("Admin consent link, for an administrator to review or grant it again: %1")
                                   .arg(link(consent, consent.toString())));
    }
    m_cleanup->setEnabled(!run.isBusy() && !cleanedUp);
    const bool dynamics = profile.blueprint == Profile::Blueprint::DynamicsClient;
    m_dynamics->setSettings(wizard::dynamicsClientSettings(controller(), dynamics && !cleanedUp ? outputs : QJsonObject()));
}

void SummaryPage::exportFile(const QString& objectName, const QString& caption, const QString& suggestedName, bool report) {
    // open(), not exec(): the dialog must not run an event loop of its own.
    auto* dialog = new QFileDialog(this, caption, QDir::home().filePath(suggestedName),
                                   report ? tr("Markdown (*.md)") : tr("Profiles (*.json)"));
    dialog->setObjectName(objectName);
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setDefaultSuffix(report ? QStringLiteral("md") : QStringLiteral("json"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QFileDialog::fileSelected, this, [this, report](const QString& path) {
        QString error;
        const bool ok = report ? controller().exportReport(path, &error) : controller().exportProfile(path, &error);
        setMessage(m_exportStatus, ok ? tr("Saved %1.").arg(QDir::toNativeSeparators(path)) : tr("Could not save %1: %2").arg(path, error),
                   ok ? Tone::Good : Tone::Problem);
    });
    dialog->open();
}

}  // namespace dcr::ui
