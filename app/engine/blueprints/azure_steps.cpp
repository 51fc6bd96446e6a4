#include "engine/blueprints/azure_steps.h"

#include "clients/graph_client.h"
#include "engine/blueprints/kong_dcr_azure.h"
#include "engine/context.h"

#include <QCoreApplication>

namespace dcr::engine {

namespace {

QString tr(const char* text) {
    // The namespace: the context lupdate files the free functions' tr() under.
    return QCoreApplication::translate("dcr::engine", text);
}

}  // namespace

Error stepError(const QString& code, const QString& what, const QString& remedy, bool retryable) {
    Error e;
    e.code = code;
    e.what = what;
    e.remedy = remedy;
    e.retryable = retryable;
    return e;
}

void tenantStep(Context& ctx, StepDone done) {
    ctx.services.graph->organization([&ctx, done](const Result<GraphOrganization>& r) {
        if (failed(r, done))
            return;
        const GraphOrganization& org = *r.value;
        const QString wanted = ctx.profile.azure.tenant;
        const bool matches = isTenantGuid(wanted) ? org.id.compare(wanted, Qt::CaseInsensitive) == 0
                                                  : org.verifiedDomains.contains(wanted, Qt::CaseInsensitive);
        if (!matches) {
            done(StepResult::failed(stepError(
                QStringLiteral("wrong_tenant"),
                tr("You are signed in to the tenant '%1' (%2), not to '%3'.").arg(org.displayName, org.id, wanted),
                tr("Sign in with an account of the tenant the profile names, or change the tenant."))));
            return;
        }
        done(StepResult::done(Outcome::Verified, tr("Signed in to the tenant '%1' (%2).").arg(org.displayName, org.id),
                              {{keys::kTenantId, org.id}, {keys::kTenantName, org.displayName}}));
    });
}

void servicePrincipalStep(Context& ctx, StepDone done, bool dryRun) {
    const QString appId = ctx.output(keys::kAppId);
    if (appId.isEmpty()) {  // dry run of a new app
        done(StepResult::done(Outcome::WouldCreate, tr("Would create the app's service principal.")));
        return;
    }
    ctx.services.graph->servicePrincipalByAppId(appId, [&ctx, done, dryRun, appId](const Result<std::optional<GraphServicePrincipal>>& r) {
        if (failed(r, done))
            return;
        if (r.value->has_value()) {
            done(StepResult::done(Outcome::Adopted, tr("The app's service principal exists."), {{keys::kSpId, (*r.value)->id}}));
            return;
        }
        if (dryRun) {
            done(StepResult::done(Outcome::WouldCreate, tr("Would create the app's service principal.")));
            return;
        }
        ctx.services.graph->createServicePrincipal(appId, [done](const Result<GraphServicePrincipal>& created) {
            if (failed(created, done))
                return;
            done(StepResult::done(Outcome::Created, tr("Created the app's service principal."), {{keys::kSpId, created.value->id}}));
        });
    });
}

void deleteAppStep(Context& ctx, StepDone done) {
    ctx.services.graph->deleteApplication(ctx.output(keys::kAppObjectId), [done](const Result<Nothing>& r) {
        if (failed(r, done))
            return;
        done(StepResult::done(Outcome::Verified, tr("Deleted the app registration (Entra ID keeps it 30 days in deleted items).")));
    });
}

}  // namespace dcr::engine
