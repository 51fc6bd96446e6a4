#include "wizard/consent_page.h"

#include "wizard/app_lookup.h"
#include "wizard/azure_guide.h"
#include "wizard/wizard_controller.h"

#include <QApplication>
#include <QClipboard>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace dcr::ui {

using wizard::WizardController;

ConsentPage::ConsentPage(WizardController& controller, QWidget* parent)
    : WizardPage(controller, QStringLiteral("consentPage"), parent),
      m_permissions(new QLabel),
      m_url(new QLineEdit),
      m_urlNote(new QLabel) {
    setTitle(tr("Admin consent"));
    setSubTitle(tr("The setup grants these Microsoft Graph permissions to the app for the whole organization. "
                   "Granting application permissions needs a Global Administrator or a Privileged Role Administrator."));

    m_permissions->setObjectName(QStringLiteral("consentPermissions"));
    m_permissions->setAccessibleName(tr("Permissions that will be granted"));
    m_permissions->setTextFormat(Qt::RichText);
    m_permissions->setWordWrap(true);
    m_permissions->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_url->setObjectName(QStringLiteral("adminConsentUrlEdit"));
    m_url->setAccessibleName(tr("Admin consent link"));
    m_url->setReadOnly(true);
    auto* copy = new QPushButton(tr("Cop&y the link"));
    copy->setObjectName(QStringLiteral("copyConsentUrlButton"));
    copy->setAccessibleName(tr("Copy the admin consent link"));
    auto* urlLabel = new QLabel(tr("If your account cannot grant consent, send this &link to an administrator who can:"));
    urlLabel->setWordWrap(true);
    urlLabel->setBuddy(m_url);
    auto* urlRow = new QHBoxLayout;
    urlRow->addWidget(m_url, 1);
    urlRow->addWidget(copy);
    m_urlNote->setObjectName(QStringLiteral("adminConsentNote"));
    m_urlNote->setWordWrap(true);

    body()->addWidget(m_permissions);
    body()->addSpacing(12);
    body()->addWidget(urlLabel);
    body()->addLayout(urlRow);
    body()->addWidget(m_urlNote);
    body()->addStretch();

    connect(copy, &QPushButton::clicked, this, [this] { QApplication::clipboard()->setText(m_url->text()); });
}

void ConsentPage::initializePage() {
    const Profile& profile = controller().profile();
    QString table = QStringLiteral("<table cellspacing=\"0\" cellpadding=\"4\"><tr><th align=\"left\">%1</th><th align=\"left\">%2</th>"
                                   "<th align=\"left\">%3</th></tr>")
                        .arg(tr("Permission"), tr("Type"), tr("What it allows"));
    for (const wizard::PermissionExplanation& p : wizard::permissionsExplained(profile.azure.permissionPreset)) {
        table += QStringLiteral("<tr><td valign=\"top\"><b>%1</b></td><td valign=\"top\">%2</td><td>%3</td></tr>")
                     .arg(p.value.toHtmlEscaped(), p.application ? tr("Application") : tr("Delegated"), p.explanation.toHtmlEscaped());
    }
    m_permissions->setText(table + QStringLiteral("</table>"));
    const QString tenant = controller().tenantIdSignedIn().isEmpty() ? profile.azure.tenant : controller().tenantIdSignedIn();
    const QString appId = controller().appLookup().existingAppId();
    if (appId.isEmpty()) {
        // The braces of the placeholder would be percent-encoded in a URL: they are added to the text.
        m_url->setText(wizard::adminConsentUrl(controller().endpoints().login, tenant, QStringLiteral("client-id")).toString().replace(
            QStringLiteral("=client-id"), QStringLiteral("={client-id}")));
        m_urlNote->setText(tr("The app does not exist yet: {client-id} is its client ID, which the Summary page shows "
                              "with the complete link once the app is registered."));
    } else {
        m_url->setText(wizard::adminConsentUrl(controller().endpoints().login, tenant, appId).toString());
        m_urlNote->setText(tr("The link is for the existing app with client ID %1.").arg(appId));
    }
}

}  // namespace dcr::ui
