#include "wizard/report.h"

#include "core/redaction.h"
#include "core/version.h"
#include "engine/blueprints/kong_dcr_azure.h"
#include "wizard/step_list_model.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonDocument>

namespace dcr::wizard {

namespace {

namespace keys = engine::keys;

QString tr(const char* text) { return QCoreApplication::translate("dcr::wizard", text); }

// A table cell: one line, and no '|' that would split it.
QString cell(QString text) {
    text.replace(QLatin1Char('\n'), QLatin1Char(' '));
    text.replace(QLatin1Char('|'), QStringLiteral("\\|"));
    return text;
}

}  // namespace

QList<ExistingObject> whatExists(const Profile& profile, const QJsonObject& outputs, const engine::Ownership& ownership) {
    const auto id = [&outputs](const QString& key) { return outputs.value(key).toString(); };
    const auto owner = [&ownership](const QString& kind, const QString& objectId) {
        if (ownership.isCreated(kind, objectId))
            return tr("created by this setup; clean-up deletes it");
        if (ownership.isAdopted(kind, objectId))
            return tr("existed, not created by dcr-wizard; clean-up keeps it");
        return QString();
    };
    QList<ExistingObject> out;
    if (!id(keys::kTenantId).isEmpty())
        out.append({tr("Microsoft Entra tenant"), tr("%1 (%2)").arg(id(keys::kTenantName), id(keys::kTenantId)), {}});
    if (!id(keys::kAppId).isEmpty())
        out.append({tr("App registration"),
                    tr("%1 — client ID %2, object ID %3").arg(profile.azure.appDisplayName, id(keys::kAppId), id(keys::kAppObjectId)),
                    owner(engine::kinds::kApplication, id(keys::kAppObjectId))});
    if (!id(keys::kSpId).isEmpty())
        out.append({tr("Service principal (enterprise application)"), id(keys::kSpId), owner(engine::kinds::kServicePrincipal, id(keys::kSpId))});
    if (!id(keys::kSecretKeyId).isEmpty() || !id(keys::kSecretStorage).isEmpty()) {
        const QString where = id(keys::kSecretStorage) == QLatin1String("keychain")
                                  ? tr("its value is in the system keychain")
                                  : tr("its value was shown once and is stored nowhere by this tool");
        out.append({tr("Client secret"), id(keys::kSecretKeyId).isEmpty() ? where : tr("key ID %1; %2").arg(id(keys::kSecretKeyId), where),
                    owner(engine::kinds::kPassword, id(keys::kSecretKeyId))});
    }
    if (!id(keys::kKonnectOrgId).isEmpty())
        out.append({tr("Konnect organization"), tr("%1 (%2)").arg(id(keys::kKonnectOrgName), id(keys::kKonnectOrgId)), {}});
    if (!id(keys::kProviderId).isEmpty())
        out.append({tr("DCR provider"),
                    tr("%1 (%2), issuer %3").arg(profile.konnect.dcrProviderName, id(keys::kProviderId), Profile::issuerFor(id(keys::kTenantId))),
                    owner(engine::kinds::kDcrProvider, id(keys::kProviderId))});
    if (!id(keys::kStrategyId).isEmpty())
        out.append({tr("Auth strategy"), tr("%1 (%2)").arg(profile.konnect.authStrategyName, id(keys::kStrategyId)),
                    owner(engine::kinds::kAuthStrategy, id(keys::kStrategyId))});
    if (!id(keys::kApiId).isEmpty()) {
        const engine::ObjectRecord* publication =
            ownership.findCreated(engine::kinds::kPublication, id(keys::kApiId) + QLatin1Char('/') + id(keys::kPortalId));
        out.append({tr("Published API"),
                    tr("%1 (%2) on the portal %3")
                        .arg(profile.publish.apiName, id(keys::kApiId),
                             profile.publish.portalName.isEmpty() ? id(keys::kPortalId)
                                                                  : tr("%1 (%2)").arg(profile.publish.portalName, id(keys::kPortalId))),
                    !publication ? QString()
                    : publication->details.contains(QStringLiteral("previous"))
                        ? tr("switched to this setup's strategy; clean-up puts the previous publication back")
                        : tr("created by this setup; clean-up deletes it")});
    }
    return out;
}

QString markdownReport(const Profile& profile, bool sandbox, const StepListModel& steps, const QJsonObject& outputs,
                       const engine::Ownership& ownership) {
    QStringList md;
    md << tr("# dcr-wizard setup report: %1").arg(profile.name) << QString();
    md << tr("Written %1 by %2 %3.")
              .arg(QDateTime::currentDateTimeUtc().toString(Qt::ISODate), QLatin1String(kApplicationName), QLatin1String(kVersion));
    if (sandbox)
        md << QString() << tr("**Sandbox:** nothing was created in a real Azure tenant or Konnect organization.");
    md << QString() << tr("## What exists") << QString() << tr("| What | Details | Made by |") << QStringLiteral("|---|---|---|");
    for (const ExistingObject& object : whatExists(profile, outputs, ownership))
        md << QStringLiteral("| %1 | %2 | %3 |").arg(cell(object.what), cell(object.details), cell(object.owner));
    md << QString() << tr("## Steps") << QString() << tr("| Step | Status | Time | Details |") << QStringLiteral("|---|---|---|---|");
    for (int row = 0; row < steps.rowCount(); ++row) {
        const auto text = [&](int column) { return cell(steps.data(steps.index(row, column)).toString()); };
        md << QStringLiteral("| %1 | %2 | %3 | %4 |")
                  .arg(text(StepListModel::TitleColumn), text(StepListModel::StatusColumn), text(StepListModel::ElapsedColumn),
                       text(StepListModel::DetailsColumn));
    }
    md << QString() << tr("## Profile (no secrets)") << QString() << QStringLiteral("```json");
    md << QString::fromUtf8(QJsonDocument(profile.toJson()).toJson(QJsonDocument::Indented)).trimmed().split(QLatin1Char('\n'));
    md << QStringLiteral("```") << QString();
    // Everything above is built from ids and summaries; redacting each line is the second lock.
    for (QString& line : md)
        line = redactText(line);
    return md.join(QLatin1Char('\n'));
}

}  // namespace dcr::wizard
