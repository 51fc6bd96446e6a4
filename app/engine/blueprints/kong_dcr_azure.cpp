#include "engine/blueprints/kong_dcr_azure.h"

#include "engine/blueprints/azure_steps.h"

#include "clients/graph_client.h"
#include "clients/konnect_client.h"
#include "clients/portal_client.h"
#include "clients/token_client.h"
#include "core/http_client.h"
#include "engine/context.h"
#include "engine/creation_tag.h"
#include "secrets/secret_store.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QTimer>

#include <memory>

namespace dcr::engine {

namespace {

const QString kGraphAppId = QStringLiteral("00000003-0000-0000-c000-000000000000");
// Marks, in memory, that this run made a new secret: the DCR provider must then get it.
const QString kSecretIsNew = QStringLiteral("client_secret_is_new");
constexpr char kAppStepId[] = "azure.app";
constexpr char kSecretStepId[] = "azure.client-secret";
constexpr char kProviderStepId[] = "konnect.dcr-provider";
constexpr char kStrategyStepId[] = "konnect.auth-strategy";
constexpr char kRolesStepId[] = "azure.consent-application";
constexpr char kScopesStepId[] = "azure.consent-delegated";
constexpr char kPublishStepId[] = "konnect.publish";
constexpr char kRoundTripStepId[] = "validate.dcr-round-trip";

QString tr(const char* text, const char* disambiguation = nullptr, int n = -1) {
    // The namespace: the context lupdate files the free functions' tr() under.
    return QCoreApplication::translate("dcr::engine", text, disambiguation, n);
}



QString publicationId(const QString& apiId, const QString& portalId) { return apiId + QLatin1Char('/') + portalId; }

QStringList strings(const QJsonValue& v) {
    QStringList out;
    for (const QJsonValue& item : v.toArray())
        out << item.toString();
    return out;
}

SecretKey secretKey(const Context& ctx) {
    return SecretKey::initialClientSecret(ctx.profile.name, ctx.output(keys::kTenantId), ctx.output(keys::kAppId));
}

// The secret of this run, or the one the keychain holds for this tenant and app.
void obtainSecret(Context& ctx, std::function<void(std::optional<QString>)> done) {
    if (ctx.hasSecret(keys::kClientSecret)) {
        done(ctx.secret(keys::kClientSecret));
        return;
    }
    ctx.services.secretStore->read(secretKey(ctx), [&ctx, done](const SecretResult& r) {
        if (!r.ok()) {
            done(std::nullopt);
            return;
        }
        ctx.setSecret(keys::kClientSecret, r.value);
        done(r.value);
    });
}

Error secretUnavailable() {
    return stepError(QStringLiteral("secret_unavailable"),
                     tr("The app's client secret is neither in this session nor in the keychain."),
                     tr("Run the setup again from the start after cleaning up (--cleanup), or create a new client "
                        "secret in the Azure portal and enter it in Konnect's DCR provider."));
}

QJsonArray requiredResourceAccess(const Context& ctx) {
    QJsonArray access;
    for (const QString& id : strings(ctx.outputs.value(keys::kGraphRoleIds)))
        access.append(QJsonObject{{QStringLiteral("id"), id}, {QStringLiteral("type"), QStringLiteral("Role")}});
    for (const QString& id : strings(ctx.outputs.value(QStringLiteral("graph_scope_ids"))))
        access.append(QJsonObject{{QStringLiteral("id"), id}, {QStringLiteral("type"), QStringLiteral("Scope")}});
    return QJsonArray{QJsonObject{{QStringLiteral("resourceAppId"), kGraphAppId}, {QStringLiteral("resourceAccess"), access}}};
}

// The app's requiredResourceAccess with the wanted Graph permissions added; false when nothing
// was missing.
bool mergeRequiredAccess(const QJsonArray& have, const QJsonArray& wanted, QJsonArray* merged) {
    const QJsonArray wantedAccess = wanted.first().toObject().value(QStringLiteral("resourceAccess")).toArray();
    *merged = have;
    for (int i = 0; i < merged->size(); ++i) {
        QJsonObject entry = merged->at(i).toObject();
        if (entry.value(QStringLiteral("resourceAppId")).toString() != kGraphAppId)
            continue;
        QJsonArray access = entry.value(QStringLiteral("resourceAccess")).toArray();
        bool changed = false;
        for (const QJsonValue& w : wantedAccess) {
            if (!access.contains(w)) {
                access.append(w);
                changed = true;
            }
        }
        entry.insert(QStringLiteral("resourceAccess"), access);
        (*merged)[i] = entry;
        return changed;
    }
    merged->append(wanted.first());
    return true;
}

// --- Microsoft Entra ID -------------------------------------------------------------------------


void graphResourceStep(Context& ctx, StepDone done) {
    ctx.services.graph->servicePrincipalByAppId(kGraphAppId, [&ctx, done](const Result<std::optional<GraphServicePrincipal>>& r) {
        if (failed(r, done))
            return;
        if (!r.value->has_value()) {
            done(StepResult::failed(stepError(QStringLiteral("graph_sp_missing"),
                                              tr("This tenant has no service principal for Microsoft Graph."),
                                              tr("Ask a Global Administrator to check the tenant; every tenant normally has it."))));
            return;
        }
        const GraphServicePrincipal& sp = **r.value;
        QJsonArray roleIds, scopeIds, scopes;
        for (const QString& value : presetAppRoles(ctx.profile.azure.permissionPreset)) {
            auto it = std::find_if(sp.appRoles.begin(), sp.appRoles.end(), [&](const GraphPermission& p) { return p.value == value; });
            if (it == sp.appRoles.end()) {
                done(StepResult::failed(stepError(QStringLiteral("graph_permission_missing"),
                                                  tr("Microsoft Graph in this tenant does not offer the permission %1.").arg(value),
                                                  tr("Choose another permission preset."))));
                return;
            }
            roleIds.append(it->id);
        }
        for (const QString& value : presetScopes(ctx.profile.azure.permissionPreset)) {
            auto it = std::find_if(sp.oauth2PermissionScopes.begin(), sp.oauth2PermissionScopes.end(),
                                   [&](const GraphPermission& p) { return p.value == value; });
            if (it == sp.oauth2PermissionScopes.end()) {
                done(StepResult::failed(stepError(QStringLiteral("graph_permission_missing"),
                                                  tr("Microsoft Graph in this tenant does not offer the permission %1.").arg(value),
                                                  tr("Choose another permission preset."))));
                return;
            }
            scopeIds.append(it->id);
            scopes.append(value);
        }
        done(StepResult::done(Outcome::Verified, tr("Found Microsoft Graph's permissions in the tenant."),
                              {{keys::kGraphSpId, sp.id},
                               {keys::kGraphRoleIds, roleIds},
                               {QStringLiteral("graph_scope_ids"), scopeIds},
                               {keys::kGraphScopes, scopes}}));
    });
}

void appStep(Context& ctx, StepDone done, bool dryRun) {
    const QString name = ctx.profile.azure.appDisplayName;
    ctx.services.graph->findApplicationsByDisplayName(name, [&ctx, done, dryRun, name](const Result<QList<GraphApplication>>& r) {
        if (failed(r, done))
            return;
        const QList<GraphApplication>& apps = *r.value;
        if (apps.size() > 1) {
            done(StepResult::failed(stepError(QStringLiteral("app_ambiguous"),
                                              tr("%1 app registrations are named '%2'.").arg(apps.size()).arg(name),
                                              tr("Give the app a name no other registration uses, or delete the extra ones."))));
            return;
        }
        const QJsonArray wanted = requiredResourceAccess(ctx);
        if (apps.isEmpty()) {
            if (dryRun) {
                done(StepResult::done(Outcome::WouldCreate, tr("Would register the app '%1' (this organization only).").arg(name)));
                return;
            }
            const QJsonObject body{{QStringLiteral("displayName"), name},
                                   {QStringLiteral("signInAudience"), QStringLiteral("AzureADMyOrg")},
                                   {QStringLiteral("requiredResourceAccess"), wanted},
                                   {QStringLiteral("tags"), QJsonArray{creationGraphTag(ctx)}}};
            ctx.services.graph->createApplication(body, [&ctx, done, name](const Result<GraphApplication>& created) {
                if (failed(created, done))
                    return;
                recordCreatedApp(ctx, *created.value, QLatin1String(kAppStepId));
                done(StepResult::done(Outcome::Created,
                                      tr("Registered the app '%1' (client ID %2).").arg(name, created.value->appId),
                                      {{keys::kAppObjectId, created.value->id}, {keys::kAppId, created.value->appId}}));
            });
            return;
        }
        const GraphApplication app = apps.first();
        const QJsonObject ids{{keys::kAppObjectId, app.id}, {keys::kAppId, app.appId}};
        QJsonArray merged;
        const bool complete = !mergeRequiredAccess(app.requiredResourceAccess, wanted, &merged);
        const FoundApp found = claimFoundApp(ctx, app, QLatin1String(kAppStepId), dryRun,
                                             complete ? tr("add a client secret to it") : tr("add the missing Microsoft Graph permissions and a client secret to it"));
        if (found.refused) {
            done(StepResult::failed(*found.refused));
            return;
        }
        const bool foreign = found.found == Found::Foreign;
        // Registered by this setup in a run cut short before it could record it.
        const bool ours = !dryRun && found.found == Found::OursUnrecorded;
        if (complete) {
            done(ours      ? StepResult::done(Outcome::Created, tr("Found the app '%1' that this setup registered before it was interrupted.").arg(name), ids)
                 : foreign ? StepResult::done(Outcome::Adopted, tr("The app '%1' %2, as it is: it has the right permissions.").arg(name, foreignNote(ctx)), ids).aboutForeignObject()
                           : StepResult::done(Outcome::Adopted, tr("The app '%1' already exists with the right permissions.").arg(name), ids));
            return;
        }
        if (dryRun) {
            done(StepResult::done(Outcome::WouldUpdate, foreign ? tr("The app '%1' %2: the missing Microsoft Graph permissions would be added.").arg(name, foreignNote(ctx))
                                                                : tr("Would add the missing Microsoft Graph permissions to '%1'.").arg(name),
                                  ids).aboutForeignObject(foreign));
            return;
        }
        ctx.services.graph->updateApplication(app.id, {{QStringLiteral("requiredResourceAccess"), merged}},
                                              [done, name, ids, ours, foreign](const Result<Nothing>& updated) {
                                                  if (failed(updated, done))
                                                      return;
                                                  done(StepResult::done(ours ? Outcome::Created : Outcome::Updated,
                                                                        foreign ? tr("Added the missing Microsoft Graph permissions to '%1', which dcr-wizard did not create (as allowed).").arg(name)
                                                                                : tr("Added the missing Microsoft Graph permissions to '%1'.").arg(name), ids).aboutForeignObject(foreign));
                                              });
    });
}



// Assigns the roles one after another; Graph serialises them anyway and an error stops the rest.
void assignRoles(Context& ctx, QStringList remaining, int assigned, StepDone done) {
    if (remaining.isEmpty()) {
        done(StepResult::done(Outcome::Created, tr("Granted admin consent for %n application permission(s).", nullptr, assigned)));
        return;
    }
    const QString roleId = remaining.takeFirst();
    ctx.services.graph->assignAppRole(ctx.output(keys::kGraphSpId), ctx.output(keys::kSpId), roleId,
                                      [&ctx, remaining, assigned, done](const Result<GraphAppRoleAssignment>& r) {
                                          if (failed(r, done))
                                              return;
                                          recordCreated(ctx, kinds::kAppRoleAssignment, r.value->id, QLatin1String(kRolesStepId),
                                                        tr("Microsoft Graph app role %1").arg(r.value->appRoleId), r.value->principalId);
                                          assignRoles(ctx, remaining, assigned + 1, done);
                                      });
}

void appRoleConsentStep(Context& ctx, StepDone done, bool dryRun) {
    const QString spId = ctx.output(keys::kSpId);
    if (spId.isEmpty()) {
        done(StepResult::done(Outcome::WouldCreate, tr("Would grant admin consent for the application permissions.")));
        return;
    }
    ctx.services.graph->appRoleAssignments(spId, [&ctx, done, dryRun](const Result<QList<GraphAppRoleAssignment>>& r) {
        if (failed(r, done))
            return;
        QStringList missing = strings(ctx.outputs.value(keys::kGraphRoleIds));
        for (const GraphAppRoleAssignment& a : *r.value)
            if (a.resourceId == ctx.output(keys::kGraphSpId))
                missing.removeAll(a.appRoleId);
        if (missing.isEmpty()) {
            done(StepResult::done(Outcome::Verified, tr("Admin consent for the application permissions is in place.")));
            return;
        }
        if (dryRun) {
            done(StepResult::done(Outcome::WouldCreate, tr("Would grant admin consent for %n application permission(s).", nullptr, missing.size())));
            return;
        }
        assignRoles(ctx, missing, 0, done);
    });
}

void delegatedConsentStep(Context& ctx, StepDone done, bool dryRun) {
    const QString spId = ctx.output(keys::kSpId);
    const QStringList wanted = strings(ctx.outputs.value(keys::kGraphScopes));
    if (spId.isEmpty()) {
        done(StepResult::done(Outcome::WouldCreate, tr("Would grant admin consent for %1.").arg(wanted.join(QStringLiteral(", ")))));
        return;
    }
    ctx.services.graph->permissionGrants(spId, [&ctx, done, dryRun, wanted, spId](const Result<QList<GraphPermissionGrant>>& r) {
        if (failed(r, done))
            return;
        const QString graphSp = ctx.output(keys::kGraphSpId);
        for (const GraphPermissionGrant& g : *r.value) {
            if (g.resourceId != graphSp || g.consentType != QLatin1String("AllPrincipals"))
                continue;
            QStringList scopes = g.scope.split(QLatin1Char(' '), Qt::SkipEmptyParts);
            const int before = scopes.size();
            for (const QString& s : wanted)
                if (!scopes.contains(s))
                    scopes << s;
            if (scopes.size() == before) {
                done(StepResult::done(Outcome::Verified, tr("Admin consent for %1 is in place.").arg(wanted.join(QStringLiteral(", ")))));
                return;
            }
            if (dryRun) {
                done(StepResult::done(Outcome::WouldUpdate, tr("Would add %1 to the existing consent.").arg(wanted.join(QStringLiteral(", ")))));
                return;
            }
            ctx.services.graph->updatePermissionGrant(g.id, scopes.join(QLatin1Char(' ')), [done, wanted](const Result<Nothing>& u) {
                if (failed(u, done))
                    return;
                done(StepResult::done(Outcome::Updated, tr("Added %1 to the admin consent.").arg(wanted.join(QStringLiteral(", ")))));
            });
            return;
        }
        if (dryRun) {
            done(StepResult::done(Outcome::WouldCreate, tr("Would grant admin consent for %1.").arg(wanted.join(QStringLiteral(", ")))));
            return;
        }
        ctx.services.graph->createPermissionGrant(spId, graphSp, wanted.join(QLatin1Char(' ')), [&ctx, done, wanted, spId](const Result<GraphPermissionGrant>& c) {
            if (failed(c, done))
                return;
            recordCreated(ctx, kinds::kPermissionGrant, c.value->id, QLatin1String(kScopesStepId),
                          tr("Microsoft Graph %1").arg(wanted.join(QLatin1Char(' '))), spId);
            done(StepResult::done(Outcome::Created, tr("Granted admin consent for %1.").arg(wanted.join(QStringLiteral(", ")))));
        });
    });
}

void createSecret(Context& ctx, StepDone done) {
    const QDateTime expires = QDateTime::currentDateTimeUtc().addMonths(ctx.profile.azure.secretLifetimeMonths);
    // The name carries the creation tag: a password credential has no tags of its own.
    const QString label = QStringLiteral("dcr-wizard %1 %2").arg(QDate::currentDate().toString(Qt::ISODate), creationGraphTag(ctx));
    const QString appObjectId = ctx.output(keys::kAppObjectId);
    ctx.services.graph->addPassword(appObjectId, label, expires, [&ctx, done, expires, label, appObjectId](const Result<GraphAddedPassword>& r) {
        if (failed(r, done))
            return;
        const GraphAddedPassword added = *r.value;
        recordCreated(ctx, kinds::kPassword, added.keyId, QLatin1String(kSecretStepId), label, appObjectId,
                      {{QStringLiteral("app_id"), ctx.output(keys::kAppId)}});
        // From here on the secret exists only in memory until the keychain holds it: keep it there
        // for the later steps and, if the keychain fails, for the user to copy once.
        ctx.setSecret(keys::kClientSecret, added.secretText);
        ctx.setSecret(kSecretIsNew, QStringLiteral("1"));
        ctx.services.secretStore->write(secretKey(ctx), added.secretText, [done, added, expires](const SecretResult& stored) {
            const QString until = QLocale().toString(expires.date(), QLocale::ShortFormat);
            if (stored.ok()) {
                done(StepResult::done(Outcome::Created, tr("Created a client secret (valid until %1) and stored it in the keychain.").arg(until),
                                      {{keys::kSecretKeyId, added.keyId}, {keys::kSecretStorage, QStringLiteral("keychain")}}));
                return;
            }
            done(StepResult::done(Outcome::Created,
                                  tr("Created a client secret (valid until %1), but it could not be stored: %2")
                                      .arg(until, stored.message),
                                  {{keys::kSecretKeyId, added.keyId}, {keys::kSecretStorage, QStringLiteral("shown-once")}}));
        });
    });
}

void secretStep(Context& ctx, StepDone done, bool dryRun) {
    if (ctx.output(keys::kAppId).isEmpty()) {
        done(StepResult::done(Outcome::WouldCreate, tr("Would create a client secret and store it in the keychain.")));
        return;
    }
    // Reuse the keychain's secret only while the app still has that credential. The keychain and
    // Graph are asked at once: neither answer depends on the other.
    struct Answers {
        std::optional<SecretResult> stored;
        std::optional<Result<std::optional<GraphApplication>>> app;
    };
    auto answers = std::make_shared<Answers>();
    const auto bothAnswered = [&ctx, done, dryRun, answers] {
        if (!answers->stored || !answers->app)
            return;
        const SecretResult& stored = *answers->stored;
        const Result<std::optional<GraphApplication>>& r = *answers->app;
        if (failed(r, done))
            return;
        std::optional<GraphPasswordCredential> usable;
        const QString now = QDateTime::currentDateTimeUtc().toString(Qt::ISODate);
        if (stored.ok() && r.value->has_value()) {
            for (const GraphPasswordCredential& c : (*r.value)->passwordCredentials)
                if (!usable && stored.value.startsWith(c.hint) && !c.hint.isEmpty() && (c.endDateTime.isEmpty() || c.endDateTime > now))
                    usable = c;
        }
        if (usable) {
            ctx.setSecret(keys::kClientSecret, stored.value);
            // A secret this setup added in a run cut short before it could record it.
            const bool ours = !dryRun && nameHasCreationTag(usable->displayName, ctx) && !ctx.ownership.isCreated(kinds::kPassword, usable->keyId);
            if (ours)
                recordCreated(ctx, kinds::kPassword, usable->keyId, QLatin1String(kSecretStepId), usable->displayName,
                              (*r.value)->id, {{QStringLiteral("app_id"), ctx.output(keys::kAppId)}});
            done(StepResult::done(ours ? Outcome::Created : Outcome::Adopted, tr("Using the app's client secret from the keychain."),
                                  {{keys::kSecretStorage, QStringLiteral("keychain")}}));
            return;
        }
        if (dryRun) {
            done(StepResult::done(Outcome::WouldCreate, tr("Would create a client secret and store it in the keychain.")));
            return;
        }
        createSecret(ctx, done);
    };
    // Graph first: the keychain's first use in a process loads its backend on this thread.
    ctx.services.graph->applicationByAppId(ctx.output(keys::kAppId), [answers, bothAnswered](const Result<std::optional<GraphApplication>>& r) {
        answers->app = r;
        bothAnswered();
    });
    ctx.services.secretStore->read(secretKey(ctx), [answers, bothAnswered](const SecretResult& stored) {
        answers->stored = stored;
        bothAnswered();
    });
}

// Removes one password credential this setup added, after checking that its app still has it
// under this setup's name, and its copy in the keychain.
void removeOnePassword(Context& ctx, const ObjectRecord& password, Removed removed) {
    const auto forgetCopy = [&ctx, password, removed](const QString& said) {
        const SecretKey key = SecretKey::initialClientSecret(ctx.profile.name, ctx.output(keys::kTenantId),
                                                             password.details.value(QStringLiteral("app_id")).toString());
        ctx.services.secretStore->remove(key, [removed, said](const SecretResult& r) {
            if (!r.ok() && r.status != SecretStatus::NotFound && r.status != SecretStatus::NoKeychain)
                removed(stepError(QStringLiteral("keychain"), r.message, tr("Unlock the keychain and retry."), true), {});
            else
                removed(std::nullopt, said);
        });
    };
    ctx.services.graph->application(password.parentId, [&ctx, password, removed, forgetCopy](const Result<std::optional<GraphApplication>>& app) {
        if (!app.ok()) {
            removed(app.error, {});
            return;
        }
        const QList<GraphPasswordCredential> credentials = app.value->has_value() ? (*app.value)->passwordCredentials : QList<GraphPasswordCredential>{};
        const auto it = std::find_if(credentials.begin(), credentials.end(), [&](const GraphPasswordCredential& c) { return c.keyId == password.id; });
        if (it == credentials.end()) {
            forgetCopy(tr("The client secret %1 was already gone; removed its copy from the keychain.").arg(password.id));
            return;
        }
        if (!nameHasCreationTag(it->displayName, ctx)) {
            removed(notOursAnyMore(tr("The client secret '%1' of the app '%2'").arg(it->displayName, (*app.value)->displayName), password.id,
                                   tr("its name no longer carries this setup's tag.")),
                    {});
            return;
        }
        ctx.services.graph->removePassword(password.parentId, password.id, [removed, forgetCopy, name = (*app.value)->displayName](const Result<Nothing>& r) {
            if (!r.ok()) {
                removed(r.error, {});
                return;
            }
            forgetCopy(tr("Removed the client secret this setup added to '%1', and its copy in the keychain.").arg(name));
        });
    });
}

void forgetSecretStep(Context& ctx, StepDone done) {
    removeCreated(ctx, QLatin1String(kSecretStepId), kinds::kPassword, removeOnePassword,
                  [done](const std::optional<Error>& error, const QStringList& said) { done(cleanupResult(error, said)); });
}

// --- Kong Konnect ---------------------------------------------------------------------------------

void konnectOrgStep(Context& ctx, StepDone done) {
    // Before this step runs, the outputs hold what the saved progress recorded.
    const QString recorded = ctx.output(keys::kKonnectOrgId);
    ctx.services.konnect->organization([&ctx, done, recorded](const Result<KonnectOrganization>& r) {
        if (failed(r, done))
            return;
        if (!ctx.sandbox && !recorded.isEmpty() && recorded != r.value->id) {
            done(StepResult::failed(stepError(
                QStringLiteral("state_other_target"),
                tr("The saved progress belongs to the Konnect organization %1, but the token is for '%2' (%3).").arg(recorded, r.value->name, r.value->id),
                tr("Use the saved progress of this organization (another --state-file), or a token of the organization it belongs to."))));
            return;
        }
        done(StepResult::done(Outcome::Verified, tr("Connected to the Konnect organization '%1'.").arg(r.value->name),
                              {{keys::kKonnectOrgId, r.value->id}, {keys::kKonnectOrgName, r.value->name}}));
    });
}

DcrProviderSpec providerSpec(const Context& ctx, const QString& secret) {
    DcrProviderSpec spec;
    spec.name = ctx.profile.konnect.dcrProviderName;
    spec.displayName = ctx.profile.konnect.dcrProviderName;
    spec.issuer = Profile::issuerFor(ctx.output(keys::kTenantId));
    spec.initialClientId = ctx.output(keys::kAppId);
    spec.initialClientSecret = secret;
    spec.labels = creationLabels(ctx);
    return spec;
}

void providerStep(Context& ctx, StepDone done, bool dryRun) {
    const QString name = ctx.profile.konnect.dcrProviderName;
    ctx.services.konnect->findDcrProvider(name, [&ctx, done, dryRun, name](const Result<std::optional<KonnectDcrProvider>>& r) {
        if (failed(r, done))
            return;
        const QString issuer = Profile::issuerFor(ctx.output(keys::kTenantId));
        const std::optional<KonnectDcrProvider>& existing = *r.value;
        if (existing && existing->providerType != QLatin1String("azureAd")) {
            done(StepResult::failed(stepError(QStringLiteral("provider_name_taken"),
                                              tr("A DCR provider named '%1' exists for %2, not Azure.").arg(name, existing->providerType),
                                              tr("Choose another DCR provider name in the profile."))));
            return;
        }
        const bool differs = existing && (existing->issuer != issuer || existing->initialClientId != ctx.output(keys::kAppId) ||
                                          ctx.hasSecret(kSecretIsNew));
        const Found found = existing ? classify(ctx, kinds::kDcrProvider, existing->id, hasCreationTag(existing->labels, ctx)) : Found::Foreign;
        const bool foreign = existing && found == Found::Foreign;
        if (existing && !dryRun) {
            if (found == Found::OursUnrecorded)
                recordCreated(ctx, kinds::kDcrProvider, existing->id, QLatin1String(kProviderStepId), name);
            if (foreign) {
                if (const std::optional<Error> refused = adoptionRefused(ctx, tr("The DCR provider '%1'").arg(name), existing->id,
                                                                         differs ? tr("give it this app's client ID and secret") : tr("use it as it is"))) {
                    done(StepResult::failed(*refused));
                    return;
                }
                recordAdopted(ctx, kinds::kDcrProvider, existing->id, QLatin1String(kProviderStepId), name);
            }
        }
        // Created by this setup in a run cut short before it could record it.
        const bool ours = !dryRun && existing && found == Found::OursUnrecorded;
        if (existing && !differs) {
            done(ours      ? StepResult::done(Outcome::Created, tr("Found the DCR provider '%1' that this setup created before it was interrupted.").arg(name),
                                              {{keys::kProviderId, existing->id}})
                 : foreign ? StepResult::done(Outcome::Adopted, tr("The DCR provider '%1' %2: it already uses this app.").arg(name, foreignNote(ctx)),
                                              {{keys::kProviderId, existing->id}}).aboutForeignObject()
                           : StepResult::done(Outcome::Adopted, tr("The DCR provider '%1' already uses this app.").arg(name), {{keys::kProviderId, existing->id}}));
            return;
        }
        if (dryRun) {
            done(existing ? StepResult::done(Outcome::WouldUpdate,
                                             foreign ? tr("The DCR provider '%1' %2: it would get this app's credentials.").arg(name, foreignNote(ctx))
                                                     : tr("Would point the DCR provider '%1' at this app.").arg(name),
                                             {{keys::kProviderId, existing->id}}).aboutForeignObject(foreign)
                          : StepResult::done(Outcome::WouldCreate, tr("Would create the DCR provider '%1' (issuer %2).").arg(name, issuer)));
            return;
        }
        obtainSecret(ctx, [&ctx, done, existing, name, issuer, ours](std::optional<QString> secret) {
            if (!secret) {
                done(StepResult::failed(secretUnavailable()));
                return;
            }
            const DcrProviderSpec spec = providerSpec(ctx, *secret);
            auto finish = [&ctx, done, created = !existing, name](Outcome outcome, QString summary) {
                return [&ctx, done, outcome, summary, created, name](const Result<KonnectDcrProvider>& p) {
                    if (failed(p, done))
                        return;
                    if (created)
                        recordCreated(ctx, kinds::kDcrProvider, p.value->id, QLatin1String(kProviderStepId), name);
                    done(StepResult::done(outcome, summary, {{keys::kProviderId, p.value->id}}));
                };
            };
            if (existing)
                ctx.services.konnect->updateDcrProvider(existing->id, spec,
                                                        finish(ours ? Outcome::Created : Outcome::Updated, tr("Gave the DCR provider '%1' the app's new credentials.").arg(name)));
            else
                ctx.services.konnect->createDcrProvider(spec, finish(Outcome::Created, tr("Created the DCR provider '%1' (issuer %2).").arg(name, issuer)));
        });
    });
}

// How clean-up reaches one kind of Konnect entity the plan finds by name, and the sentences it
// says about it ('%1' is the entity's name).
template <typename Entity>
struct KonnectEntityCleanup {
    QString step, kind, profileName;
    QString subject, gone, deleted;  // "The DCR provider '%1'", "… was already gone.", "Deleted …."
    std::function<void(const QString& id, Callback<std::optional<Entity>>)> get;
    std::function<void(const QString& name, Callback<std::optional<Entity>>)> find;
    std::function<void(const QString& id, Callback<Nothing>)> remove;
};

// Removes the recorded entities, each after checking it still carries this setup's label; then one
// of the profile's name that carries the label without a record (a create whose answer never
// came), which is recorded now and removed the same way.
template <typename Entity>
void removeKonnectEntities(Context& ctx, StepDone done, const KonnectEntityCleanup<Entity>& calls) {
    const RemoveOne removeOne = [calls](Context& c, const ObjectRecord& entity, Removed removed) {
        calls.get(entity.id, [&c, calls, entity, removed](const Result<std::optional<Entity>>& found) {
            if (!found.ok()) {
                removed(found.error, {});
                return;
            }
            if (!found.value->has_value()) {
                removed(std::nullopt, calls.gone.arg(entity.name));
                return;
            }
            if (!hasCreationTag((*found.value)->labels, c)) {
                removed(notOursAnyMore(calls.subject.arg((*found.value)->name), entity.id, tr("it no longer carries this setup's label.")), {});
                return;
            }
            calls.remove(entity.id, [calls, removed, name = entity.name](const Result<Nothing>& r) { removed(r.error, calls.deleted.arg(name)); });
        });
    };
    removeCreated(ctx, calls.step, calls.kind, removeOne, [&ctx, done, calls, removeOne](const std::optional<Error>& error, const QStringList& said) {
        if (error || ctx.creationTag.isEmpty()) {
            done(cleanupResult(error, said));
            return;
        }
        calls.find(calls.profileName, [&ctx, done, calls, removeOne, said](const Result<std::optional<Entity>>& r) {
            if (!r.ok()) {
                done(cleanupResult(r.error, said));
                return;
            }
            if (!r.value->has_value() || !hasCreationTag((*r.value)->labels, ctx)) {
                done(cleanupResult(std::nullopt, said));
                return;
            }
            recordCreated(ctx, calls.kind, (*r.value)->id, calls.step, calls.profileName);
            removeCreated(ctx, calls.step, calls.kind, removeOne, [done, said](const std::optional<Error>& e, const QStringList& more) {
                done(cleanupResult(e, said + more));
            });
        });
    });
}

void deleteProviderStep(Context& ctx, StepDone done) {
    KonnectClient* konnect = ctx.services.konnect;
    KonnectEntityCleanup<KonnectDcrProvider> calls;
    calls.step = QLatin1String(kProviderStepId);
    calls.kind = kinds::kDcrProvider;
    calls.profileName = ctx.profile.konnect.dcrProviderName;
    calls.subject = tr("The DCR provider '%1'");
    calls.gone = tr("The DCR provider '%1' was already gone.");
    calls.deleted = tr("Deleted the DCR provider '%1'.");
    calls.get = [konnect](const QString& id, Callback<std::optional<KonnectDcrProvider>> found) { konnect->dcrProvider(id, std::move(found)); };
    calls.find = [konnect](const QString& name, Callback<std::optional<KonnectDcrProvider>> found) { konnect->findDcrProvider(name, std::move(found)); };
    calls.remove = [konnect](const QString& id, Callback<Nothing> removed) { konnect->deleteDcrProvider(id, std::move(removed)); };
    removeKonnectEntities(ctx, done, calls);
}

// New credentials take a while to work everywhere in Entra ID: keep asking Konnect to verify, every
// second (the moment they work is announced by nothing, so a short fixed pause ends the wait soon
// after it), for a bounded time.
void verifyProvider(Context& ctx, StepDone done, std::shared_ptr<QElapsedTimer> clock, int pauseMs) {
    ctx.services.konnect->verifyDcrProvider(ctx.output(keys::kProviderId), [&ctx, done, clock, pauseMs](const Result<KonnectVerifyResult>& r) {
        if (failed(r, done))
            return;
        if (r.value->success) {
            done(StepResult::done(Outcome::Verified, tr("Konnect checked the initial client credentials against Entra ID.")));
            return;
        }
        const QString reasons = r.value->errors.join(QStringLiteral("; "));
        if (clock->elapsed() + pauseMs < ctx.replicationBudgetMs) {
            QTimer::singleShot(pauseMs, ctx.services.konnect, [&ctx, done, clock, pauseMs] { verifyProvider(ctx, done, clock, pauseMs); });
            return;
        }
        done(StepResult::failed(stepError(
            QStringLiteral("dcr_verify_failed"),
            tr("Konnect could not use the app's credentials: %1").arg(reasons.isEmpty() ? tr("no reason given") : reasons),
            tr("Check that admin consent for Application.ReadWrite.OwnedBy is granted and that Konnect has the secret's value "
               "(not its ID); brand-new credentials can take a few minutes to work, so retry later."),
            true)));
    });
}

void verifyProviderStep(Context& ctx, StepDone done) {
    auto clock = std::make_shared<QElapsedTimer>();
    clock->start();
    verifyProvider(ctx, done, clock, 1000);
}

void strategyStep(Context& ctx, StepDone done, bool dryRun) {
    const QString name = ctx.profile.konnect.authStrategyName;
    ctx.services.konnect->findAuthStrategy(name, [&ctx, done, dryRun, name](const Result<std::optional<KonnectAuthStrategy>>& r) {
        if (failed(r, done))
            return;
        const std::optional<KonnectAuthStrategy>& existing = *r.value;
        const QString providerId = ctx.output(keys::kProviderId);
        if (existing) {
            if (!providerId.isEmpty() && existing->dcrProviderId != providerId) {
                done(StepResult::failed(stepError(QStringLiteral("strategy_name_taken"),
                                                  tr("An auth strategy named '%1' exists but uses another DCR provider.").arg(name),
                                                  tr("Choose another auth strategy name in the profile."))));
                return;
            }
            const Found found = classify(ctx, kinds::kAuthStrategy, existing->id, hasCreationTag(existing->labels, ctx));
            const QJsonObject ids{{keys::kStrategyId, existing->id}};
            if (dryRun) {
                done(StepResult::done(Outcome::Adopted, found == Found::Foreign ? tr("The auth strategy '%1' %2.").arg(name, foreignNote(ctx))
                                                                                : tr("The auth strategy '%1' already exists.").arg(name), ids)
                         .aboutForeignObject(found == Found::Foreign));
                return;
            }
            if (found == Found::OursUnrecorded) {
                // Created by this setup in a run cut short before it could record it.
                recordCreated(ctx, kinds::kAuthStrategy, existing->id, QLatin1String(kStrategyStepId), name);
                done(StepResult::done(Outcome::Created, tr("Found the auth strategy '%1' that this setup created before it was interrupted.").arg(name), ids));
                return;
            }
            if (found == Found::Foreign) {
                if (const std::optional<Error> refused = adoptionRefused(ctx, tr("The auth strategy '%1'").arg(name), existing->id,
                                                                         tr("publish the API with it"))) {
                    done(StepResult::failed(*refused));
                    return;
                }
                recordAdopted(ctx, kinds::kAuthStrategy, existing->id, QLatin1String(kStrategyStepId), name);
                done(StepResult::done(Outcome::Adopted, tr("The auth strategy '%1' %2.").arg(name, foreignNote(ctx)), ids).aboutForeignObject());
                return;
            }
            done(StepResult::done(Outcome::Adopted, tr("The auth strategy '%1' already exists.").arg(name), ids));
            return;
        }
        if (dryRun) {
            done(StepResult::done(Outcome::WouldCreate, tr("Would create the auth strategy '%1'.").arg(name)));
            return;
        }
        AuthStrategySpec spec;
        spec.name = name;
        spec.displayName = ctx.profile.konnect.authStrategyDisplayName;
        spec.issuer = Profile::issuerFor(ctx.output(keys::kTenantId));
        spec.dcrProviderId = providerId;
        spec.credentialClaim = ctx.profile.konnect.credentialClaim;
        spec.scopes = ctx.profile.konnect.scopes;
        spec.authMethods = ctx.profile.konnect.authMethods;
        spec.labels = creationLabels(ctx);
        ctx.services.konnect->createAuthStrategy(spec, [&ctx, done, name](const Result<KonnectAuthStrategy>& c) {
            if (failed(c, done))
                return;
            recordCreated(ctx, kinds::kAuthStrategy, c.value->id, QLatin1String(kStrategyStepId), name);
            done(StepResult::done(Outcome::Created, tr("Created the auth strategy '%1'.").arg(name), {{keys::kStrategyId, c.value->id}}));
        });
    });
}

void deleteStrategyStep(Context& ctx, StepDone done) {
    KonnectClient* konnect = ctx.services.konnect;
    KonnectEntityCleanup<KonnectAuthStrategy> calls;
    calls.step = QLatin1String(kStrategyStepId);
    calls.kind = kinds::kAuthStrategy;
    calls.profileName = ctx.profile.konnect.authStrategyName;
    calls.subject = tr("The auth strategy '%1'");
    calls.gone = tr("The auth strategy '%1' was already gone.");
    calls.deleted = tr("Deleted the auth strategy '%1'.");
    calls.get = [konnect](const QString& id, Callback<std::optional<KonnectAuthStrategy>> found) { konnect->authStrategy(id, std::move(found)); };
    calls.find = [konnect](const QString& name, Callback<std::optional<KonnectAuthStrategy>> found) { konnect->findAuthStrategy(name, std::move(found)); };
    calls.remove = [konnect](const QString& id, Callback<Nothing> removed) { konnect->deleteAuthStrategy(id, std::move(removed)); };
    removeKonnectEntities(ctx, done, calls);
}

void publishWith(Context& ctx, StepDone done, bool dryRun, const KonnectApi& api, const KonnectPortal& portal) {
    ctx.services.konnect->publication(api.id, portal.id, [&ctx, done, dryRun, api, portal](const Result<std::optional<KonnectPublication>>& r) {
        if (failed(r, done))
            return;
        const QJsonObject ids{{keys::kApiId, api.id}, {keys::kApiSlug, api.slug}, {keys::kPortalId, portal.id}};
        KonnectPublication wanted;
        wanted.apiId = api.id;
        wanted.portalId = portal.id;
        wanted.visibility = ctx.profile.publish.visibility;
        wanted.autoApproveRegistrations = ctx.profile.publish.autoApproveRegistrations;
        if (!ctx.output(keys::kStrategyId).isEmpty())
            wanted.authStrategyIds = {ctx.output(keys::kStrategyId)};
        const std::optional<KonnectPublication>& existing = *r.value;
        const QString id = publicationId(api.id, portal.id);
        const QString name = tr("'%1' on '%2'").arg(api.name, portal.name);
        QJsonObject details{{QStringLiteral("api_id"), api.id}, {QStringLiteral("portal_id"), portal.id},
                            {QStringLiteral("strategy_id"), ctx.output(keys::kStrategyId)}};
        // A publication with another strategy (or none) serves someone else's developer
        // applications: switching it cuts them off, so it needs the user's consent, and clean-up
        // puts it back.
        const bool othersPublication = existing && existing->authStrategyIds != wanted.authStrategyIds &&
                                       !ctx.ownership.isCreated(kinds::kPublication, id);
        const QString others = existing && !existing->authStrategyIds.isEmpty()
                                   ? tr("with the auth strategy %1").arg(existing->authStrategyIds.join(QStringLiteral(", ")))
                                   : tr("without an auth strategy");
        if (othersPublication) {
            if (dryRun) {
                done(StepResult::done(Outcome::WouldUpdate,
                                      tr("%1 is already published %2, not by dcr-wizard: %3").arg(name, others,
                                          ctx.allowAdopt ? tr("it would be switched to this setup's strategy, which cuts off the developer "
                                                              "applications registered through the one there now; clean-up puts it back.")
                                                         : tr("it will be left alone, and the run stops here unless you allow switching it.")),
                                      ids).aboutForeignObject());
                return;
            }
            if (!ctx.allowAdopt) {
                Error e = stepError(QStringLiteral("adoption_needed"),
                                    tr("%1 is already published %2, and not by dcr-wizard; switching it to this setup's strategy would cut off "
                                       "every developer application registered through it, so it was left as it is.")
                                        .arg(name, others),
                                    tr("Publish another API or on another portal (publish.api_name, publish.portal_name), or allow the switch "
                                       "with --adopt (or \"adopt\": true in the profile): clean-up then puts the current publication back."));
                done(StepResult::failed(e));
                return;
            }
            details.insert(QStringLiteral("previous"), QJsonObject{{QStringLiteral("auth_strategy_ids"), QJsonArray::fromStringList(existing->authStrategyIds)},
                                                                   {QStringLiteral("visibility"), existing->visibility},
                                                                   {QStringLiteral("auto_approve_registrations"), existing->autoApproveRegistrations}});
        }
        if (existing && existing->authStrategyIds == wanted.authStrategyIds && existing->visibility == wanted.visibility &&
            existing->autoApproveRegistrations == wanted.autoApproveRegistrations) {
            // With this setup's own strategy it is this setup's publication, even when the answer
            // to publishing it never came.
            const bool ours = !dryRun && !ctx.ownership.isCreated(kinds::kPublication, id) &&
                              ctx.ownership.isCreated(kinds::kAuthStrategy, ctx.output(keys::kStrategyId));
            if (ours)
                recordCreated(ctx, kinds::kPublication, id, QLatin1String(kPublishStepId), name, {}, details);
            done(StepResult::done(ours ? Outcome::Created : Outcome::Adopted, tr("'%1' is already published on '%2' with this strategy.").arg(api.name, portal.name), ids));
            return;
        }
        const Outcome outcome = existing ? Outcome::Updated : Outcome::Created;
        if (dryRun) {
            done(StepResult::done(existing ? Outcome::WouldUpdate : Outcome::WouldCreate,
                                  tr("Would publish '%1' on '%2' with the auth strategy.").arg(api.name, portal.name), ids));
            return;
        }
        const bool record = !existing || othersPublication;
        ctx.services.konnect->publish(wanted, [&ctx, done, outcome, ids, api, portal, id, name, details, record](const Result<KonnectPublication>& p) {
            if (failed(p, done))
                return;
            if (record)
                recordCreated(ctx, kinds::kPublication, id, QLatin1String(kPublishStepId), name, {}, details);
            done(StepResult::done(outcome, details.contains(QStringLiteral("previous"))
                                               ? tr("Switched the publication of '%1' on '%2' to this setup's auth strategy (clean-up puts the previous one back).").arg(api.name, portal.name)
                                               : tr("Published '%1' on '%2' with the auth strategy.").arg(api.name, portal.name),
                                  ids));
        });
    });
}

void publishStep(Context& ctx, StepDone done, bool dryRun) {
    const Profile::Publish& publish = ctx.profile.publish;
    if (!publish.enabled) {
        done(StepResult::done(Outcome::Skipped, tr("Publishing an API was not asked for.")));
        return;
    }
    // The API and the portal are looked up at once: neither lookup needs the other's answer.
    struct Lookups {
        std::optional<Result<std::optional<KonnectApi>>> api;
        std::optional<Result<QList<KonnectPortal>>> portals;
    };
    auto lookups = std::make_shared<Lookups>();
    const auto bothAnswered = [&ctx, done, dryRun, lookups] {
        if (!lookups->api || !lookups->portals)
            return;
        const Result<std::optional<KonnectApi>>& api = *lookups->api;
        if (failed(api, done) || failed(*lookups->portals, done))
            return;
        const Profile::Publish& publish = ctx.profile.publish;
        if (!api.value->has_value()) {
            done(StepResult::failed(stepError(QStringLiteral("api_not_found"), tr("Konnect has no API named '%1'.").arg(publish.apiName),
                                              tr("Create the API in Konnect first, or correct the API name."))));
            return;
        }
        const QString wanted = publish.portalName;
        QList<KonnectPortal> matches;
        for (const KonnectPortal& p : *lookups->portals->value)
            if (wanted.isEmpty() || p.name == wanted || p.displayName == wanted)
                matches << p;
        if (matches.size() != 1) {
            done(StepResult::failed(stepError(
                QStringLiteral("portal_not_found"),
                matches.isEmpty() ? tr("Konnect has no portal named '%1'.").arg(wanted)
                                  : tr("The organization has %1 portals.").arg(matches.size()),
                tr("Name the portal to publish on in the profile (publish.portal_name)."))));
            return;
        }
        publishWith(ctx, done, dryRun, **api.value, matches.first());
    };
    ctx.services.konnect->findApi(publish.apiName, [lookups, bothAnswered](const Result<std::optional<KonnectApi>>& api) {
        lookups->api = api;
        bothAnswered();
    });
    ctx.services.konnect->portals([lookups, bothAnswered](const Result<QList<KonnectPortal>>& portals) {
        lookups->portals = portals;
        bothAnswered();
    });
}

// Removes a publication this setup made, or puts back the one it switched, after checking that it
// still uses this setup's strategy.
void removeOnePublication(Context& ctx, const ObjectRecord& publication, Removed removed) {
    const QString apiId = publication.details.value(QStringLiteral("api_id")).toString();
    const QString portalId = publication.details.value(QStringLiteral("portal_id")).toString();
    const QString strategyId = publication.details.value(QStringLiteral("strategy_id")).toString();
    ctx.services.konnect->publication(apiId, portalId, [&ctx, publication, apiId, portalId, strategyId, removed](const Result<std::optional<KonnectPublication>>& found) {
        if (!found.ok()) {
            removed(found.error, {});
            return;
        }
        if (!found.value->has_value()) {
            removed(std::nullopt, tr("The publication of %1 was already gone.").arg(publication.name));
            return;
        }
        if (!strategyId.isEmpty() && (*found.value)->authStrategyIds != QStringList{strategyId}) {
            removed(notOursAnyMore(tr("The publication of %1").arg(publication.name), publication.id,
                                   tr("it no longer uses this setup's auth strategy.")),
                    {});
            return;
        }
        const QJsonObject previous = publication.details.value(QStringLiteral("previous")).toObject();
        if (previous.isEmpty()) {
            ctx.services.konnect->unpublish(apiId, portalId, [removed, name = publication.name](const Result<Nothing>& r) {
                removed(r.error, tr("Removed the publication of %1.").arg(name));
            });
            return;
        }
        KonnectPublication before;
        before.apiId = apiId;
        before.portalId = portalId;
        before.visibility = previous.value(QStringLiteral("visibility")).toString();
        before.autoApproveRegistrations = previous.value(QStringLiteral("auto_approve_registrations")).toBool();
        for (const QJsonValue& v : previous.value(QStringLiteral("auth_strategy_ids")).toArray())
            before.authStrategyIds << v.toString();
        ctx.services.konnect->publish(before, [removed, name = publication.name](const Result<KonnectPublication>& r) {
            removed(r.error, tr("Put the publication of %1 back as it was before this setup.").arg(name));
        });
    });
}

void unpublishStep(Context& ctx, StepDone done) {
    removeCreated(ctx, QLatin1String(kPublishStepId), kinds::kPublication, removeOnePublication,
                  [done](const std::optional<Error>& error, const QStringList& said) { done(cleanupResult(error, said)); });
}

// --- Validation ------------------------------------------------------------------------------------

// Gets a v1 token for clientId and checks it as Kong will.
void tokenFor(Context& ctx, const QString& clientId, const QString& secret, Callback<QString> done) {
    const QString tenant = ctx.output(keys::kTenantId);
    // The tenant's signing keys come while the token is requested: the check below then finds
    // them, or joins their fetch in flight.
    ctx.services.tokens->signingKeys(tenant, [](const Result<QJsonObject>&) {});
    ctx.services.tokens->clientCredentialsV1(tenant, clientId, secret, ctx.graphResource, true,
                                             [&ctx, tenant, clientId, done](const Result<AccessToken>& t) {
        if (!t.ok()) {
            done(Result<QString>::failure(*t.error));
            return;
        }
        const QByteArray token = t.value->accessToken.toUtf8();
        // The token must also be for the resource it was asked for, as Kong checks it.
        ctx.services.tokens->checkV1Token(tenant, token, Profile::issuerFor(tenant), clientId, ctx.graphResource,
                                          [done, token](const Result<TokenCheck>& c) {
            if (!c.ok()) {
                done(Result<QString>::failure(*c.error));
                return;
            }
            if (!c.value->ok()) {
                done(Result<QString>::failure(stepError(QStringLiteral("token_not_as_kong_expects"),
                                                        c.value->problems.join(QLatin1Char(' ')),
                                                        tr("Kong's Azure DCR accepts v1 tokens only: leave the app's "
                                                           "requestedAccessTokenVersion empty (or 1) in its manifest."))));
                return;
            }
            done(Result<QString>::success(QString::fromUtf8(token)));
        });
    });
}

void tokenStep(Context& ctx, StepDone done) {
    obtainSecret(ctx, [&ctx, done](std::optional<QString> secret) {
        if (!secret) {
            done(StepResult::failed(secretUnavailable()));
            return;
        }
        tokenFor(ctx, ctx.output(keys::kAppId), *secret, [&ctx, done](const Result<QString>& token) {
            if (failed(token, done))
                return;
            ctx.setSecret(keys::kValidationToken, *token.value);
            done(StepResult::done(Outcome::Verified, tr("Got a v1 token for the app: signature, issuer (%1/), version 1.0 and appid match.")
                                                         .arg(Profile::issuerFor(ctx.output(keys::kTenantId)))));
        });
    });
}

QString gatewayUrlFor(const Context& ctx, const ValidationTargets& targets) {
    if (!ctx.profile.validation.gatewayUrl.isEmpty())
        return ctx.profile.validation.gatewayUrl;
    if (targets.gatewayUrl.isEmpty() || ctx.output(keys::kApiSlug).isEmpty())
        return {};
    return targets.gatewayUrl + QLatin1Char('/') + ctx.output(keys::kApiSlug) + QLatin1Char('/');
}

// Calls the gateway three ways at once: bearer token and Basic credentials must pass, nothing must
// fail. The first failing probe, in this order, is the one reported.
void checkGateway(Context& ctx, const QString& url, const QString& clientId, const QString& secret, const QString& token,
                  Callback<Nothing> done) {
    struct Probe {
        QByteArray authorization;
        bool mustPass;
        QString label;
    };
    const QList<Probe> probes{{"Bearer " + token.toUtf8(), true, tr("a bearer token")},
                              {"Basic " + (clientId + QLatin1Char(':') + secret).toUtf8().toBase64(), true, tr("Basic client ID and secret")},
                              {QByteArray(), false, tr("no credentials")}};
    struct Answers {
        qsizetype outstanding;
        QList<std::optional<Error>> failures;
    };
    auto answers = std::make_shared<Answers>(Answers{probes.size(), QList<std::optional<Error>>(probes.size())});
    for (qsizetype i = 0; i < probes.size(); ++i) {
        const Probe probe = probes.at(i);
        HttpRequest request;
        request.method = "GET";
        request.url = QUrl(url);
        if (!probe.authorization.isEmpty())
            request.headers.append({"Authorization", probe.authorization});
        request.flavor = ErrorFlavor::Plain;
        ctx.services.http->send(request, [url, probe, i, answers, done](const HttpResponse& response, const std::optional<Error>& error) {
            const bool passed = response.status >= 200 && response.status < 300;
            if (error && response.status == 0)
                answers->failures[i] = *error;
            else if (!(probe.mustPass ? passed : response.status == 401))
                answers->failures[i] = stepError(
                    QStringLiteral("gateway_check_failed"),
                    tr("The gateway answered %1 to a request with %2 at %3.").arg(response.status).arg(probe.label, url),
                    probe.mustPass ? tr("Check that the route belongs to the published API and that its OpenID Connect plugin uses "
                                        "the issuer https://sts.windows.net/<tenant>/ and the credential claim appid.")
                                   : tr("The route is not protected: apply the auth strategy to it."));
            if (--answers->outstanding > 0)
                return;
            for (const std::optional<Error>& failure : answers->failures) {
                if (failure) {
                    done(Result<Nothing>::failure(*failure));
                    return;
                }
            }
            done(Result<Nothing>::success({}));
        });
    }
}

void roundTripStep(Context& ctx, StepDone done, const ValidationTargets& targets) {
    if (!ctx.profile.validation.dcrRoundTrip) {
        done(StepResult::done(Outcome::Skipped, tr("The DCR round trip was not asked for.")));
        return;
    }
    if (!ctx.services.portal || targets.developerEmail.isEmpty() || ctx.output(keys::kApiId).isEmpty()) {
        done(StepResult::done(Outcome::Skipped, tr("Skipped the DCR round trip: it needs a published API and a developer account of the portal.")));
        return;
    }
    const QString gateway = gatewayUrlFor(ctx, targets);
    PortalClient* portal = ctx.services.portal;
    portal->authenticate(targets.developerEmail, targets.developerPassword, [&ctx, done, portal, gateway](const Result<Nothing>& a) {
        if (failed(a, done))
            return;
        // The name carries the creation tag, and the application is recorded the moment it exists:
        // a run cut short before it is deleted again leaves it to clean-up, not behind.
        const QString name = QStringLiteral("dcr-wizard check %1 %2")
                                 .arg(ctx.creationTag, QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd-hhmmss")));
        portal->createApplication(name, ctx.output(keys::kStrategyId), [&ctx, done, portal, gateway, name](const Result<PortalApplication>& created) {
            if (failed(created, done))
                return;
            const PortalApplication app = *created.value;
            recordCreated(ctx, kinds::kPortalApplication, app.id, QLatin1String(kRoundTripStepId), name);
            // Whatever happens next, the test application is deleted again.
            auto finish = [&ctx, portal, app, done](StepResult result) {
                portal->deleteApplication(app.id, [&ctx, result, done, id = app.id](const Result<Nothing>& removed) {
                    if (removed.ok()) {
                        ctx.ownership.forget(kinds::kPortalApplication, id);
                        ctx.persist();
                    }
                    done(removed.ok() || !result.ok() ? result : StepResult::failed(*removed.error));
                });
            };
            // Registering the app for the API and getting its token need nothing from each other;
            // the gateway is called once both are done.
            struct Both {
                std::optional<Result<Nothing>> registration;
                std::optional<Result<QString>> token;
            };
            auto both = std::make_shared<Both>();
            const auto bothDone = [&ctx, app, gateway, finish, both] {
                if (!both->registration || !both->token)
                    return;
                if (!both->registration->ok()) {
                    finish(StepResult::failed(*both->registration->error));
                    return;
                }
                if (!both->token->ok()) {
                    finish(StepResult::failed(*both->token->error));
                    return;
                }
                const QString summary = tr("A developer app created through the portal got client ID %1 from Entra ID and a valid v1 token")
                                            .arg(app.clientId);
                if (gateway.isEmpty()) {
                    finish(StepResult::done(Outcome::Verified, summary + QLatin1Char('.')));
                    return;
                }
                checkGateway(ctx, gateway, app.clientId, app.clientSecret, *both->token->value, [finish, summary](const Result<Nothing>& g) {
                    finish(g.ok() ? StepResult::done(Outcome::Verified, summary + tr("; the gateway accepted it and refused a request without credentials."))
                                  : StepResult::failed(*g.error));
                });
            };
            portal->registerApplication(app.id, ctx.output(keys::kApiId), [both, bothDone](const Result<Nothing>& reg) {
                both->registration = reg;
                bothDone();
            });
            tokenFor(ctx, app.clientId, app.clientSecret, [both, bothDone](const Result<QString>& token) {
                both->token = token;
                bothDone();
            });
        });
    });
}

// Clean-up: the developer applications a round trip made and could not delete again. Deleting one
// through the portal also removes the app registration Konnect made for it in Entra ID.
void deleteRoundTripAppsStep(Context& ctx, StepDone done, const ValidationTargets& targets) {
    if (ctx.ownership.createdBy(QLatin1String(kRoundTripStepId)).isEmpty()) {
        done(cleanupResult(std::nullopt, {}));
        return;
    }
    if (!ctx.services.portal || targets.developerEmail.isEmpty()) {
        done(StepResult::failed(stepError(QStringLiteral("portal_unreachable"),
                                          tr("A developer application of the DCR round trip is left, but this run has no developer account of the portal to delete it with."),
                                          tr("Delete the applications named 'dcr-wizard check …' in the Dev Portal, then run the clean-up again."))));
        return;
    }
    PortalClient* portal = ctx.services.portal;
    portal->authenticate(targets.developerEmail, targets.developerPassword, [&ctx, done, portal](const Result<Nothing>& a) {
        if (failed(a, done))
            return;
        const RemoveOne remove = [portal](Context&, const ObjectRecord& app, Removed removed) {
            portal->deleteApplication(app.id, [removed, name = app.name](const Result<Nothing>& r) {
                removed(r.error, tr("Deleted the developer application '%1'.").arg(name));
            });
        };
        removeCreated(ctx, QLatin1String(kRoundTripStepId), kinds::kPortalApplication, remove,
                      [done](const std::optional<Error>& error, const QStringList& said) { done(cleanupResult(error, said)); });
    });
}

// Clean-up: the app role assignments (admin consent for application permissions) this setup made.
void deleteAssignmentsStep(Context& ctx, StepDone done) {
    const RemoveOne remove = [](Context& c, const ObjectRecord& assignment, Removed removed) {
        c.services.graph->appRoleAssignments(assignment.parentId, [&c, assignment, removed](const Result<QList<GraphAppRoleAssignment>>& found) {
            if (!found.ok()) {
                // The service principal is gone, and its assignments with it.
                removed(found.error->httpStatus == 404 ? std::nullopt : found.error, tr("The app role assignment was already gone."));
                return;
            }
            const bool there = std::any_of(found.value->begin(), found.value->end(), [&](const GraphAppRoleAssignment& a) { return a.id == assignment.id; });
            if (!there) {
                removed(std::nullopt, tr("The app role assignment was already gone."));
                return;
            }
            c.services.graph->deleteAppRoleAssignment(assignment.parentId, assignment.id, [removed, name = assignment.name](const Result<Nothing>& r) {
                removed(r.error, tr("Revoked the admin consent for %1.").arg(name));
            });
        });
    };
    removeCreated(ctx, QLatin1String(kRolesStepId), kinds::kAppRoleAssignment, remove,
                  [done](const std::optional<Error>& error, const QStringList& said) { done(cleanupResult(error, said)); });
}

void wouldCheck(const QString& what, StepDone done) { done(StepResult::done(Outcome::WouldCheck, what)); }

}  // namespace

QStringList presetAppRoles(Profile::PermissionPreset preset) {
    QStringList roles{QStringLiteral("Application.ReadWrite.OwnedBy")};
    if (preset == Profile::PermissionPreset::Legacy)
        roles << QStringLiteral("Application.Read.All") << QStringLiteral("Application.ReadWrite.All");
    return roles;
}

QStringList presetScopes(Profile::PermissionPreset) { return {QStringLiteral("User.Read")}; }

Plan kongDcrAzurePlan(const ValidationTargets& targets) {
    Plan plan;

    Step tenant = makeStep("azure.tenant", tr("Check the Microsoft Entra tenant"),
                           tr("Reads the tenant you signed in to and checks it is the one the profile names."), {});
    tenant.apply = tenant.inspect = tenantStep;
    plan << tenant;

    Step graph = makeStep("azure.graph-permissions", tr("Look up Microsoft Graph's permissions"),
                          tr("Finds the ids of the permissions the app needs in the tenant's Microsoft Graph."), {});
    graph.apply = graph.inspect = graphResourceStep;
    plan << graph;

    Step app = makeStep(kAppStepId, tr("Register the application"),
                        tr("Finds or creates the app registration (accounts in this organization only) with the Microsoft Graph permissions."),
                        {tenant.id, graph.id});
    app.apply = [](Context& c, StepDone d) { appStep(c, d, false); };
    app.inspect = [](Context& c, StepDone d) { appStep(c, d, true); };
    app.cleanup = [](Context& c, StepDone d) { deleteAppStep(c, d, QLatin1String(kAppStepId)); };
    plan << app;

    Step sp = makeStep("azure.service-principal", tr("Create the app's service principal"),
                       tr("The enterprise application that admin consent is granted to."), {app.id});
    sp.apply = [id = sp.id](Context& c, StepDone d) { servicePrincipalStep(c, d, false, id); };
    sp.inspect = [id = sp.id](Context& c, StepDone d) { servicePrincipalStep(c, d, true, id); };
    sp.cleanup = [id = sp.id](Context& c, StepDone d) { deleteServicePrincipalsStep(c, d, id); };
    plan << sp;

    Step roles = makeStep(kRolesStepId, tr("Grant admin consent (application permissions)"),
                          tr("Assigns the Microsoft Graph application permissions, such as Application.ReadWrite.OwnedBy."), {sp.id, graph.id});
    roles.apply = [](Context& c, StepDone d) { appRoleConsentStep(c, d, false); };
    roles.inspect = [](Context& c, StepDone d) { appRoleConsentStep(c, d, true); };
    roles.cleanup = deleteAssignmentsStep;
    plan << roles;

    Step scopes = makeStep(kScopesStepId, tr("Grant admin consent (delegated permissions)"),
                           tr("Grants User.Read for all users of the organization."), {sp.id, graph.id});
    scopes.apply = [](Context& c, StepDone d) { delegatedConsentStep(c, d, false); };
    scopes.inspect = [](Context& c, StepDone d) { delegatedConsentStep(c, d, true); };
    scopes.cleanup = [](Context& c, StepDone d) { deleteGrantsStep(c, d, QLatin1String(kScopesStepId)); };
    plan << scopes;

    Step secret = makeStep(kSecretStepId, tr("Create the client secret"),
                           tr("Creates a client secret and keeps its value only in the system keychain."), {app.id});
    secret.apply = [](Context& c, StepDone d) { secretStep(c, d, false); };
    secret.inspect = [](Context& c, StepDone d) { secretStep(c, d, true); };
    secret.cleanup = forgetSecretStep;
    plan << secret;

    Step org = makeStep("konnect.organization", tr("Check the Konnect token"),
                        tr("Checks the Konnect token and reads the organization's name."), {});
    org.apply = org.inspect = konnectOrgStep;
    plan << org;

    Step provider = makeStep(kProviderStepId, tr("Create the DCR provider"),
                             tr("Creates the Azure DCR provider with the issuer https://sts.windows.net/<tenant> (no trailing slash) "
                                "and the app's client ID and secret."),
                             {secret.id, org.id});
    provider.apply = [](Context& c, StepDone d) { providerStep(c, d, false); };
    provider.inspect = [](Context& c, StepDone d) { providerStep(c, d, true); };
    provider.cleanup = deleteProviderStep;
    plan << provider;

    // Konnect's check of the credentials needs the admin consent, creating the provider does not:
    // the consent gates the check, so the Azure consents and the Konnect objects are made at once.
    Step verify = makeStep("konnect.verify-provider", tr("Verify the DCR provider"),
                           tr("Asks Konnect to check the initial client credentials against Entra ID."), {provider.id, roles.id});
    verify.apply = verifyProviderStep;
    verify.inspect = [](Context&, StepDone d) { wouldCheck(tr("Would ask Konnect to verify the credentials."), d); };
    plan << verify;

    Step strategy = makeStep(kStrategyStepId, tr("Create the auth strategy"),
                             tr("Creates the OpenID Connect auth strategy with the credential claim appid."), {provider.id});
    strategy.apply = [](Context& c, StepDone d) { strategyStep(c, d, false); };
    strategy.inspect = [](Context& c, StepDone d) { strategyStep(c, d, true); };
    strategy.cleanup = deleteStrategyStep;
    plan << strategy;

    Step publish = makeStep(kPublishStepId, tr("Publish the API"),
                            tr("Publishes the API on the portal with the auth strategy."), {strategy.id}, true);
    publish.apply = [](Context& c, StepDone d) { publishStep(c, d, false); };
    publish.inspect = [](Context& c, StepDone d) { publishStep(c, d, true); };
    publish.cleanup = unpublishStep;
    plan << publish;

    Step token = makeStep("validate.token", tr("Request a token"),
                          tr("Gets a v1 token for the app with its client secret and checks it as Kong will."),
                          {secret.id, roles.id, verify.id});
    token.apply = tokenStep;
    token.inspect = [](Context&, StepDone d) { wouldCheck(tr("Would request and check a v1 token."), d); };
    plan << token;

    Step roundTrip = makeStep(kRoundTripStepId, tr("Register a test application through the portal"),
                              tr("Creates a developer application with the strategy, gets its token, calls the gateway, and deletes it."),
                              {publish.id, verify.id, token.id}, true);
    roundTrip.apply = [targets](Context& c, StepDone d) { roundTripStep(c, d, targets); };
    roundTrip.inspect = [](Context& c, StepDone d) {
        if (c.profile.validation.dcrRoundTrip)
            wouldCheck(tr("Would register and delete a test application."), d);
        else
            d(StepResult::done(Outcome::Skipped, tr("The DCR round trip was not asked for.")));
    };
    roundTrip.cleanup = [targets](Context& c, StepDone d) { deleteRoundTripAppsStep(c, d, targets); };
    plan << roundTrip;

    return plan;
}

}  // namespace dcr::engine
