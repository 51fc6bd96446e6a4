#pragma once

#include "engine/blueprints/dynamics_client.h"

#include <QGroupBox>

class QLineEdit;

namespace dcr::ui {

// What a Dynamics 365 client application's code or app.config needs from the new registration:
// the Application (client) ID, the redirect URI, the authority and a Dataverse connection string,
// each read-only with a Copy button.
class DynamicsSummaryBox : public QGroupBox {
    Q_OBJECT
public:
    explicit DynamicsSummaryBox(QWidget* parent = nullptr);

    void setSettings(const engine::DynamicsClientSettings& settings);

private:
    QLineEdit* addRow(const QString& label, const QString& objectName, const QString& copyObjectName);

    QLineEdit* m_clientId;
    QLineEdit* m_redirectUri;
    QLineEdit* m_authority;
    QLineEdit* m_connectionString;
};

}  // namespace dcr::ui
