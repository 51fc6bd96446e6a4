#pragma once

#include "engine/blueprints/dynamics_client.h"

#include <QJsonObject>
#include <QString>

namespace dcr::wizard {

class WizardController;

// The checks behind the Dynamics app page's messages: empty when the value is acceptable,
// otherwise one sentence saying what is expected (as field_checks.h).
QString dynamicsRedirectUriProblem(const QString& uri);
// Optional: empty is acceptable.
QString dynamicsOrganizationUrlProblem(const QString& url);

// What the Summary shows for the client application's code or app.config, from the run's outputs.
engine::DynamicsClientSettings dynamicsClientSettings(WizardController& controller, const QJsonObject& outputs);

}  // namespace dcr::wizard
