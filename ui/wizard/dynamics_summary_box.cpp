#include "wizard/dynamics_summary_box.h"

#include <QApplication>
#include <QClipboard>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QPushButton>

namespace dcr::ui {

DynamicsSummaryBox::DynamicsSummaryBox(QWidget* parent) : QGroupBox(tr("For your client application's code or app.config"), parent) {
    setObjectName(QStringLiteral("dynamicsSummary"));
    setAccessibleName(title());
    setLayout(new QFormLayout);
    m_clientId = addRow(tr("Application (client) ID:"), QStringLiteral("dynamicsClientId"), QStringLiteral("copyClientIdButton"));
    m_redirectUri = addRow(tr("Redirect URI:"), QStringLiteral("dynamicsSummaryRedirectUri"), QStringLiteral("copyRedirectUriButton"));
    m_authority = addRow(tr("Authority:"), QStringLiteral("dynamicsAuthority"), QStringLiteral("copyAuthorityButton"));
    m_connectionString =
        addRow(tr("Connection string:"), QStringLiteral("dynamicsConnectionString"), QStringLiteral("copyConnectionStringButton"));
    m_connectionString->setToolTip(tr("For the Dataverse SDK (ServiceClient) or XRM tooling (CrmServiceClient); users sign in when it "
                                      "connects."));
}

QLineEdit* DynamicsSummaryBox::addRow(const QString& label, const QString& objectName, const QString& copyObjectName) {
    auto* field = new QLineEdit;
    field->setObjectName(objectName);
    field->setReadOnly(true);
    field->setAccessibleName(QString(label).remove(QLatin1Char(':')));
    auto* copy = new QPushButton(tr("Copy"));
    copy->setObjectName(copyObjectName);
    copy->setAccessibleName(tr("Copy the %1").arg(field->accessibleName().toLower()));
    connect(copy, &QPushButton::clicked, field, [field] { QApplication::clipboard()->setText(field->text()); });
    auto* row = new QHBoxLayout;
    row->addWidget(field, 1);
    row->addWidget(copy);
    static_cast<QFormLayout*>(layout())->addRow(label, row);
    return field;
}

void DynamicsSummaryBox::setSettings(const engine::DynamicsClientSettings& settings) {
    m_clientId->setText(settings.clientId);
    m_redirectUri->setText(settings.redirectUri);
    m_authority->setText(settings.authority);
    m_connectionString->setText(settings.connectionString);
    setVisible(!settings.clientId.isEmpty());
}

}  // namespace dcr::ui
