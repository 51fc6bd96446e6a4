#include "sandbox/seed.h"

#include <QRandomGenerator>

namespace dcr::sandbox {

namespace {

QString randomToken(const char* prefix, int length) {
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    QString token = QString::fromLatin1(prefix);
    auto* rng = QRandomGenerator::system();
    for (int i = 0; i < length; ++i)
        token += QLatin1Char(alphabet[rng->bounded(static_cast<int>(sizeof(alphabet) - 1))]);
    return token;
}

struct Field {
    const char* key;
    QString Seed::*member;
};

const Field kFields[] = {
    {"tenant_id", &Seed::tenantId},
    {"tenant_name", &Seed::tenantName},
    {"tenant_domain", &Seed::tenantDomain},
    {"admin_user_principal_name", &Seed::adminUserPrincipalName},
    {"admin_display_name", &Seed::adminDisplayName},
    {"admin_password", &Seed::adminPassword},
    {"konnect_org_name", &Seed::konnectOrgName},
    {"konnect_user_email", &Seed::konnectUserEmail},
    {"konnect_user_name", &Seed::konnectUserName},
    {"konnect_personal_token", &Seed::konnectPersonalToken},
    {"konnect_system_token", &Seed::konnectSystemToken},
    {"portal_name", &Seed::portalName},
    {"api_name", &Seed::apiName},
    {"api_version", &Seed::apiVersion},
    {"developer_email", &Seed::developerEmail},
    {"developer_password", &Seed::developerPassword},
};

}  // namespace

void Seed::completeCredentials() {
    if (adminPassword.isEmpty())
        adminPassword = randomToken("", 16);
    if (konnectPersonalToken.isEmpty())
        konnectPersonalToken = randomToken("kpat_", 46);
    if (konnectSystemToken.isEmpty())
        konnectSystemToken = randomToken("spat_", 46);
    if (developerPassword.isEmpty())
        developerPassword = randomToken("", 16);
}

std::optional<Seed> Seed::fromJson(const QJsonObject& json, QString* error) {
    Seed seed;
    for (auto it = json.begin(); it != json.end(); ++it) {
        const QString key = it.key();
        bool known = false;
        for (const Field& f : kFields) {
            if (key != QLatin1String(f.key))
                continue;
            if (!it.value().isString()) {
                *error = QStringLiteral("Seed key \"%1\" must be a string.").arg(key);
                return std::nullopt;
            }
            seed.*f.member = it.value().toString();
            known = true;
        }
        if (key == QLatin1String("replication_delay_ms")) {
            seed.replicationDelayMs = it.value().toInt();
            known = true;
        } else if (key == QLatin1String("auto_approve_sign_in")) {
            seed.autoApproveSignIn = it.value().toBool();
            known = true;
        } else if (key == QLatin1String("dynamics_crm")) {
            if (!it.value().isBool()) {
                *error = QStringLiteral("Seed key \"%1\" must be true or false.").arg(key);
                return std::nullopt;
            }
            seed.dynamicsCrm = it.value().toBool();
            known = true;
        } else if (key == QLatin1String("device_code_interval_seconds")) {
            seed.deviceCodeIntervalSeconds = it.value().toInt();
            if (seed.deviceCodeIntervalSeconds < 1) {
                *error = QStringLiteral("Seed key \"%1\" must be a whole number of seconds, at least 1.").arg(key);
                return std::nullopt;
            }
            known = true;
        }
        if (!known) {
            *error = QStringLiteral("Unknown seed key \"%1\".").arg(key);
            return std::nullopt;
        }
    }
    return seed;
}

QJsonObject Seed::toJson() const {
    QJsonObject json;
    for (const Field& f : kFields)
        json.insert(QLatin1String(f.key), this->*f.member);
    json.insert(QStringLiteral("replication_delay_ms"), replicationDelayMs);
    json.insert(QStringLiteral("auto_approve_sign_in"), autoApproveSignIn);
    json.insert(QStringLiteral("device_code_interval_seconds"), deviceCodeIntervalSeconds);
    json.insert(QStringLiteral("dynamics_crm"), dynamicsCrm);
    return json;
}

}  // namespace dcr::sandbox
