#include "engine/blueprints/azure_steps.h"

#include "clients/graph_client.h"
#include "engine/blueprints/kong_dcr_azure.h"
#include "engine/context.h"

#include <QCoreApplication>

namespace dcr::engine {

namespace {

QString tr(const char* text, const char* disambiguation = nullptr, int n = -1) {
    // The namespace: the context lupdate files the free functions' tr() under.
    return QCoreApplication::translate("dcr::engine", text, disambiguation, n);
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

StepResult cleanupResult(const std::optional<Error>& error, const QStringList& said) {
    if (error)
        return StepResult::failed(*error);
    if (said.isEmpty())
        return StepResult::done(Outcome::Verified, tr("Nothing of this setup's was left here."));
    return StepResult::done(Outcome::Verified, said.join(QLatin1Char(' ')));
}

void tenantStep(Context& ctx, StepDone done) {
    // Before this step runs, the outputs hold what the saved progress recorded.
    const QString recorded = ctx.output(keys::kTenantId);
    ctx.services.graph->organization([&ctx, done, recorded](const Result<GraphOrganization>& r) {
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
        if (!ctx.sandbox && !recorded.isEmpty() && recorded.compare(org.id, Qt::CaseInsensitive) != 0) {
            done(StepResult::failed(stepError(
                QStringLiteral("state_other_target"),
                tr("The saved progress belongs to the tenant %1, but you are signed in to %2 (%3).").arg(recorded, org.displayName, org.id),
                tr("Use the saved progress of this tenant (another --state-file), or sign in to the tenant it belongs to."))));
            return;
        }
        done(StepResult::done(Outcome::Verified, tr("Signed in to the tenant '%1' (%2).").arg(org.displayName, org.id),
                              {{keys::kTenantId, org.id}, {keys::kTenantName, org.displayName}}));
    });
}

QString foreignNote(const Context& ctx) {
    return ctx.allowAdopt ? tr("exists, not created by dcr-wizard: will be used")
                          : tr("exists, not created by dcr-wizard: will be left alone, and the run stops here unless you allow using it");
}

FoundApp claimFoundApp(Context& ctx, const GraphApplication& app, const QString& step, bool dryRun, const QString& use) {
    FoundApp f;
    f.found = classify(ctx, kinds::kApplication, app.id, hasCreationTag(app.tags, ctx));
    if (dryRun)
        return f;
    if (f.found == Found::OursUnrecorded)
        recordCreatedApp(ctx, app, step);
    if (f.found != Found::Foreign)
        return f;
    f.refused = adoptionRefused(ctx, tr("The app registration '%1'").arg(app.displayName), app.id, use);
    if (!f.refused)
        recordAdopted(ctx, kinds::kApplication, app.id, step, app.displayName);
    return f;
}

void recordCreatedApp(Context& ctx, const GraphApplication& app, const QString& step) {
    recordCreated(ctx, kinds::kApplication, app.id, step, app.displayName, {}, {{QStringLiteral("app_id"), app.appId}});
}

void servicePrincipalStep(Context& ctx, StepDone done, bool dryRun, const QString& step) {
    const QString appId = ctx.output(keys::kAppId);
    if (appId.isEmpty()) {  // dry run of a new app
        done(StepResult::done(Outcome::WouldCreate, tr("Would create the app's service principal.")));
        return;
    }
    ctx.services.graph->servicePrincipalByAppId(appId, [&ctx, done, dryRun, appId, step](const Result<std::optional<GraphServicePrincipal>>& r) {
        if (failed(r, done))
            return;
        if (r.value->has_value()) {
            const GraphServicePrincipal& sp = **r.value;
            const Found found = classify(ctx, kinds::kServicePrincipal, sp.id, hasCreationTag(sp.tags, ctx));
            if (!dryRun && found == Found::OursUnrecorded) {
                recordCreated(ctx, kinds::kServicePrincipal, sp.id, step, sp.displayName, appId);
                done(StepResult::done(Outcome::Created, tr("Found the service principal that this setup created before it was interrupted."),
                                      {{keys::kSpId, sp.id}}));
                return;
            }
            // The service principal of an app this setup uses: it goes with the app.
            if (!dryRun && found == Found::Foreign)
                recordAdopted(ctx, kinds::kServicePrincipal, sp.id, step, sp.displayName);
            done(StepResult::done(Outcome::Adopted, tr("The app's service principal exists."), {{keys::kSpId, sp.id}}));
            return;
        }
        if (dryRun) {
            done(StepResult::done(Outcome::WouldCreate, tr("Would create the app's service principal.")));
            return;
        }
        ctx.services.graph->createServicePrincipal(appId, {creationGraphTag(ctx)}, [&ctx, done, appId, step](const Result<GraphServicePrincipal>& created) {
            if (failed(created, done))
                return;
            recordCreated(ctx, kinds::kServicePrincipal, created.value->id, step, created.value->displayName, appId);
            done(StepResult::done(Outcome::Created, tr("Created the app's service principal."), {{keys::kSpId, created.value->id}}));
        });
    });
}

void deleteServicePrincipalsStep(Context& ctx, StepDone done, const QString& step) {
    const RemoveOne remove = [](Context& c, const ObjectRecord& sp, Removed removed) {
        c.services.graph->servicePrincipal(sp.id, [&c, sp, removed](const Result<std::optional<GraphServicePrincipal>>& found) {
            if (!found.ok()) {
                removed(found.error, {});
                return;
            }
            if (!found.value->has_value()) {
                removed(std::nullopt, tr("The service principal was already gone."));
                return;
            }
            if (!hasCreationTag((*found.value)->tags, c)) {
                removed(notOursAnyMore(tr("The service principal '%1'").arg(sp.name), sp.id, tr("it no longer carries this setup's tag.")), {});
                return;
            }
            c.services.graph->deleteServicePrincipal(sp.id, [removed](const Result<Nothing>& r) {
                removed(r.error, tr("Deleted the app's service principal."));
            });
        });
    };
    removeCreated(ctx, step, kinds::kServicePrincipal, remove,
                  [done](const std::optional<Error>& error, const QStringList& said) { done(cleanupResult(error, said)); });
}

void deleteGrantsStep(Context& ctx, StepDone done, const QString& step) {
    const RemoveOne remove = [](Context& c, const ObjectRecord& grant, Removed removed) {
        c.services.graph->permissionGrants(grant.parentId, [&c, grant, removed](const Result<QList<GraphPermissionGrant>>& found) {
            if (!found.ok()) {
                // The client's service principal is gone, and its grants with it.
                removed(found.error->httpStatus == 404 ? std::nullopt : found.error, tr("The permission grant was already gone."));
                return;
            }
            const bool there = std::any_of(found.value->begin(), found.value->end(), [&](const GraphPermissionGrant& g) { return g.id == grant.id; });
            if (!there) {
                removed(std::nullopt, tr("The permission grant was already gone."));
                return;
            }
            c.services.graph->deletePermissionGrant(grant.id, [removed, scope = grant.name](const Result<Nothing>& r) {
                removed(r.error, tr("Revoked the admin consent for %1.").arg(scope));
            });
        });
    };
    removeCreated(ctx, step, kinds::kPermissionGrant, remove,
                  [done](const std::optional<Error>& error, const QStringList& said) { done(cleanupResult(error, said)); });
}

namespace {

void deleteOneApp(Context& c, const ObjectRecord& app, Removed removed) {
    c.services.graph->application(app.id, [&c, app, removed](const Result<std::optional<GraphApplication>>& found) {
        if (!found.ok()) {
            removed(found.error, {});
            return;
        }
        if (!found.value->has_value()) {
            removed(std::nullopt, tr("The app registration '%1' was already gone.").arg(app.name));
            return;
        }
        if (!hasCreationTag((*found.value)->tags, c)) {
            removed(notOursAnyMore(tr("The app registration '%1'").arg((*found.value)->displayName), app.id,
                                   tr("it no longer carries this setup's tag.")),
                    {});
            return;
        }
        c.services.graph->deleteApplication(app.id, [removed, name = app.name](const Result<Nothing>& r) {
            removed(r.error, tr("Deleted the app registration '%1' (Entra ID keeps it 30 days in deleted items).").arg(name));
        });
    });
}

}  // namespace

void deleteAppStep(Context& ctx, StepDone done, const QString& step) {
    removeCreated(ctx, step, kinds::kApplication, deleteOneApp, [&ctx, done, step](const std::optional<Error>& error, const QStringList& said) {
        if (error || ctx.creationTag.isEmpty()) {
            done(cleanupResult(error, said));
            return;
        }
        // An app this setup registered in a run whose answer never came: it carries the tag, but no
        // record. Looked up by the profile's name, and deleted only with the tag.
        ctx.services.graph->findApplicationsByDisplayName(ctx.profile.azure.appDisplayName, [&ctx, done, said, step](const Result<QList<GraphApplication>>& r) {
            if (failed(r, done))
                return;
            QStringList all = said;
            QList<ObjectRecord> unrecorded;
            for (const GraphApplication& app : *r.value) {
                if (!hasCreationTag(app.tags, ctx))
                    continue;
                recordCreatedApp(ctx, app, step);
                unrecorded << *ctx.ownership.findCreated(kinds::kApplication, app.id);
            }
            if (unrecorded.isEmpty()) {
                done(cleanupResult(std::nullopt, all));
                return;
            }
            removeCreated(ctx, step, kinds::kApplication, deleteOneApp, [done, all](const std::optional<Error>& e, const QStringList& more) {
                done(cleanupResult(e, all + more));
            });
        });
    });
}

}  // namespace dcr::engine
