#include "wizard/dynamics_fields.h"

#include "profile/profile.h"
#include "wizard/wizard_controller.h"

#include <QCoreApplication>
#include <QUrl>

namespace dcr::wizard {

QString dynamicsRedirectUriProblem(const QString& uri) { return publicClientRedirectUriProblem(uri.trimmed()); }

QString dynamicsOrganizationUrlProblem(const QString& url) {
    const QString text = url.trimmed();
    if (text.isEmpty())
        return {};
    Profile probe;
    probe.blueprint = Profile::Blueprint::DynamicsClient;
    probe.dynamics.organizationUrl = text;
    for (const QString& problem : probe.validate())
        if (problem.contains(QLatin1String("dynamics.organization_url")))
            return QCoreApplication::translate("dcr::wizard", "Enter the environment's address, such as https://contoso.crm.dynamics.com, "
                                                              "or leave it empty.");
    return {};
}

engine::DynamicsClientSettings dynamicsClientSettings(WizardController& controller, const QJsonObject& outputs) {
    return engine::dynamicsClientSettings(controller.profile(), outputs, controller.endpoints().login.toString());
}

}  // namespace dcr::wizard
