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

QString tr(const char* text, const char* disambiguation = nullptr, int n = -1) {
    // The namespace: the context lupdate files the free functions' tr() under.
    return QCoreApplication::translate("dcr::engine", text, disambiguation, n);
}



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
            ctx.services.graph->createApplication(body, [done, name](const Result<GraphApplication>& created) {
                if (failed(created, done))
                    return;
                done(StepResult::done(Outcome::Created,
                                      tr("Registered the app '%1' (client ID %2).").arg(name, created.value->appId),
                                      {{keys::kAppObjectId, created.value->id}, {keys::kAppId, created.value->appId}}));
            });
            return;
        }
        const GraphApplication app = apps.first();
        const QJsonObject ids{{keys::kAppObjectId, app.id}, {keys::kAppId, app.appId}};
        // Registered by this setup in a run cut short before it could record it.
        const bool ours = !dryRun && createdButNotRecorded(app.tags, ctx, QLatin1String(kAppStepId));
        QJsonArray merged;
        if (!mergeRequiredAccess(app.requiredResourceAccess, wanted, &merged)) {
            done(ours ? StepResult::done(Outcome::Created, tr("Found the app '%1' that this setup registered before it was interrupted.").arg(name), ids)
                      : StepResult::done(Outcome::Adopted, tr("The app '%1' already exists with the right permissions.").arg(name), ids));
            return;
        }
        if (dryRun) {
            done(StepResult::done(Outcome::WouldUpdate, tr("Would add the missing Microsoft Graph permissions to '%1'.").arg(name), ids));
            return;
        }
        ctx.services.graph->updateApplication(app.id, {{QStringLiteral("requiredResourceAccess"), merged}},
                                              [done, name, ids, ours](const Result<Nothing>& updated) {
                                                  if (failed(updated, done))
                                                      return;
                                                  done(StepResult::done(ours ? Outcome::Created : Outcome::Updated,
                                                                        tr("Added the missing Microsoft Graph permissions to '%1'.").arg(name), ids));
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
        ctx.services.graph->createPermissionGrant(spId, graphSp, wanted.join(QLatin1Char(' ')), [done, wanted](const Result<GraphPermissionGrant>& c) {
            if (failed(c, done))
                return;
            done(StepResult::done(Outcome::Created, tr("Granted admin consent for %1.").arg(wanted.join(QStringLiteral(", ")))));
        });
    });
}

void createSecret(Context& ctx, StepDone done) {
    const QDateTime expires = QDateTime::currentDateTimeUtc().addMonths(ctx.profile.azure.secretLifetimeMonths);
    const QString label = QStringLiteral("dcr-wizard %1").arg(QDate::currentDate().toString(Qt::ISODate));
    ctx.services.graph->addPassword(ctx.output(keys::kAppObjectId), label, expires, [&ctx, done, expires](const Result<GraphAddedPassword>& r) {
        if (failed(r, done))
            return;
        const GraphAddedPassword added = *r.value;
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
        bool usable = false;
        const QString now = QDateTime::currentDateTimeUtc().toString(Qt::ISODate);
        if (stored.ok() && r.value->has_value()) {
            for (const GraphPasswordCredential& c : (*r.value)->passwordCredentials)
                usable = usable || (stored.value.startsWith(c.hint) && !c.hint.isEmpty() && (c.endDateTime.isEmpty() || c.endDateTime > now));
        }
        if (usable) {
            ctx.setSecret(keys::kClientSecret, stored.value);
            // The secret of an app this setup registered is this setup's too, even when the run
            // that made it was cut short before recording it: cleanup then forgets it as well.
            const bool ours = !dryRun && ctx.createdSteps.contains(QLatin1String(kAppStepId)) &&
                              !ctx.createdSteps.contains(QLatin1String(kSecretStepId));
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

void forgetSecretStep(Context& ctx, StepDone done) {
    ctx.services.secretStore->remove(secretKey(ctx), [done](const SecretResult& r) {
        if (!r.ok() && r.status != SecretStatus::NotFound && r.status != SecretStatus::NoKeychain) {
            done(StepResult::failed(stepError(QStringLiteral("keychain"), r.message, tr("Unlock the keychain and retry."), true)));
            return;
        }
        done(StepResult::done(Outcome::Verified, tr("Removed the client secret from the keychain.")));
    });
}

// --- Kong Konnect ---------------------------------------------------------------------------------

void konnectOrgStep(Context& ctx, StepDone done) {
    ctx.services.konnect->organization([done](const Result<KonnectOrganization>& r) {
        if (failed(r, done))
            return;
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
        // Created by this setup in a run cut short before it could record it.
        const bool ours = !dryRun && existing && createdButNotRecorded(existing->labels, ctx, QLatin1String(kProviderStepId));
        if (existing && !differs) {
            done(ours ? StepResult::done(Outcome::Created, tr("Found the DCR provider '%1' that this setup created before it was interrupted.").arg(name),
                                         {{keys::kProviderId, existing->id}})
                      : StepResult::done(Outcome::Adopted, tr("The DCR provider '%1' already uses this app.").arg(name), {{keys::kProviderId, existing->id}}));
            return;
        }
        if (dryRun) {
            done(existing ? StepResult::done(Outcome::WouldUpdate, tr("Would point the DCR provider '%1' at this app.").arg(name),
                                             {{keys::kProviderId, existing->id}})
                          : StepResult::done(Outcome::WouldCreate, tr("Would create the DCR provider '%1' (issuer %2).").arg(name, issuer)));
            return;
        }
        obtainSecret(ctx, [&ctx, done, existing, name, issuer, ours](std::optional<QString> secret) {
            if (!secret) {
                done(StepResult::failed(secretUnavailable()));
                return;
            }
            const DcrProviderSpec spec = providerSpec(ctx, *secret);
            auto finish = [done](Outcome outcome, QString summary) {
                return [done, outcome, summary](const Result<KonnectDcrProvider>& p) {
                    if (failed(p, done))
                        return;
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

void deleteProviderStep(Context& ctx, StepDone done) {
    ctx.services.konnect->deleteDcrProvider(ctx.output(keys::kProviderId), [done](const Result<Nothing>& r) {
        if (failed(r, done))
            return;
        done(StepResult::done(Outcome::Verified, tr("Deleted the DCR provider.")));
    });
}

// New credentials take a while to work everywhere in Entra ID: keep asking Konnect to verify, with
// growing pauses, for a bounded time.
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
            QTimer::singleShot(pauseMs, ctx.services.konnect, [&ctx, done, clock, pauseMs] {
                verifyProvider(ctx, done, clock, std::min(pauseMs * 2, 30000));
            });
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
    verifyProvider(ctx, done, clock, 2000);
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
            // Created by this setup in a run cut short before it could record it.
            if (!dryRun && createdButNotRecorded(existing->labels, ctx, QLatin1String(kStrategyStepId)))
                done(StepResult::done(Outcome::Created, tr("Found the auth strategy '%1' that this setup created before it was interrupted.").arg(name),
                                      {{keys::kStrategyId, existing->id}}));
            else
                done(StepResult::done(Outcome::Adopted, tr("The auth strategy '%1' already exists.").arg(name), {{keys::kStrategyId, existing->id}}));
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
        ctx.services.konnect->createAuthStrategy(spec, [done, name](const Result<KonnectAuthStrategy>& c) {
            if (failed(c, done))
                return;
            done(StepResult::done(Outcome::Created, tr("Created the auth strategy '%1'.").arg(name), {{keys::kStrategyId, c.value->id}}));
        });
    });
}

void deleteStrategyStep(Context& ctx, StepDone done) {
    ctx.services.konnect->deleteAuthStrategy(ctx.output(keys::kStrategyId), [done](const Result<Nothing>& r) {
        if (failed(r, done))
            return;
        done(StepResult::done(Outcome::Verified, tr("Deleted the auth strategy.")));
    });
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
        if (existing && existing->authStrategyIds == wanted.authStrategyIds && existing->visibility == wanted.visibility &&
            existing->autoApproveRegistrations == wanted.autoApproveRegistrations) {
            done(StepResult::done(Outcome::Adopted, tr("'%1' is already published on '%2' with this strategy.").arg(api.name, portal.name), ids));
            return;
        }
        const Outcome outcome = existing ? Outcome::Updated : Outcome::Created;
        if (dryRun) {
            done(StepResult::done(existing ? Outcome::WouldUpdate : Outcome::WouldCreate,
                                  tr("Would publish '%1' on '%2' with the auth strategy.").arg(api.name, portal.name), ids));
            return;
        }
        ctx.services.konnect->publish(wanted, [done, outcome, ids, api, portal](const Result<KonnectPublication>& p) {
            if (failed(p, done))
                return;
            done(StepResult::done(outcome, tr("Published '%1' on '%2' with the auth strategy.").arg(api.name, portal.name), ids));
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

void unpublishStep(Context& ctx, StepDone done) {
    ctx.services.konnect->unpublish(ctx.output(keys::kApiId), ctx.output(keys::kPortalId), [done](const Result<Nothing>& r) {
        if (failed(r, done))
            return;
        done(StepResult::done(Outcome::Verified, tr("Removed the API's publication.")));
    });
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
        ctx.services.tokens->checkV1Token(tenant, token, Profile::issuerFor(tenant), clientId,
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
        const QString name = QStringLiteral("dcr-wizard check %1").arg(QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd-hhmmss")));
        portal->createApplication(name, ctx.output(keys::kStrategyId), [&ctx, done, portal, gateway](const Result<PortalApplication>& created) {
            if (failed(created, done))
                return;
            const PortalApplication app = *created.value;
            // Whatever happens next, the test application is deleted again.
            auto finish = [portal, app, done](StepResult result) {
                portal->deleteApplication(app.id, [result, done](const Result<Nothing>& removed) {
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
    app.cleanup = deleteAppStep;
    plan << app;

    Step sp = makeStep("azure.service-principal", tr("Create the app's service principal"),
                       tr("The enterprise application that admin consent is granted to."), {app.id});
    sp.apply = [](Context& c, StepDone d) { servicePrincipalStep(c, d, false); };
    sp.inspect = [](Context& c, StepDone d) { servicePrincipalStep(c, d, true); };
    plan << sp;

    Step roles = makeStep("azure.consent-application", tr("Grant admin consent (application permissions)"),
                          tr("Assigns the Microsoft Graph application permissions, such as Application.ReadWrite.OwnedBy."), {sp.id, graph.id});
    roles.apply = [](Context& c, StepDone d) { appRoleConsentStep(c, d, false); };
    roles.inspect = [](Context& c, StepDone d) { appRoleConsentStep(c, d, true); };
    plan << roles;

    Step scopes = makeStep("azure.consent-delegated", tr("Grant admin consent (delegated permissions)"),
                           tr("Grants User.Read for all users of the organization."), {sp.id, graph.id});
    scopes.apply = [](Context& c, StepDone d) { delegatedConsentStep(c, d, false); };
    scopes.inspect = [](Context& c, StepDone d) { delegatedConsentStep(c, d, true); };
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

    Step publish = makeStep("konnect.publish", tr("Publish the API"),
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

    Step roundTrip = makeStep("validate.dcr-round-trip", tr("Register a test application through the portal"),
                              tr("Creates a developer application with the strategy, gets its token, calls the gateway, and deletes it."),
                              {publish.id, verify.id, token.id}, true);
    roundTrip.apply = [targets](Context& c, StepDone d) { roundTripStep(c, d, targets); };
    roundTrip.inspect = [](Context& c, StepDone d) {
        if (c.profile.validation.dcrRoundTrip)
            wouldCheck(tr("Would register and delete a test application."), d);
        else
            d(StepResult::done(Outcome::Skipped, tr("The DCR round trip was not asked for.")));
    };
    plan << roundTrip;

    return plan;
}

}  // namespace dcr::engine
