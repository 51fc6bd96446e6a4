#include "engine/blueprints/dynamics_client.h"

#include "engine/blueprints/azure_steps.h"

#include "auth/entra_sign_in.h"
#include "clients/graph_client.h"
#include "clients/token_client.h"
#include "core/http_client.h"
#include "engine/blueprints/kong_dcr_azure.h"
#include "engine/context.h"
#include "engine/creation_tag.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTimer>

#include <memory>

namespace dcr::engine {

namespace {

constexpr char kAppStepId[] = "dynamics.app";
constexpr char kConsentStepId[] = "dynamics.consent";

QString tr(const char* text, const char* disambiguation = nullptr, int n = -1) {
    // The namespace: the context lupdate files the free functions' tr() under.
    return QCoreApplication::translate("dcr::engine", text, disambiguation, n);
}



Error noDynamicsInTenant() {
    return stepError(QStringLiteral("dynamics_not_in_tenant"),
                     tr("This tenant has no Dynamics CRM service principal (AADSTS500011: the resource principal "
                        "00000007-0000-0000-c000-000000000000 was not found), so it has no Dynamics 365 or Dataverse "
                        "environment to call."),
                     tr("Sign in to the tenant that holds your Dynamics 365 or Power Platform environment, or create an "
                        "environment there first (https://admin.powerplatform.microsoft.com)."));
}

QString audienceText(const QString& audience) {
    return audience == QLatin1String("AzureADMyOrg") ? tr("accounts in this organization only")
                                                     : tr("accounts in any organizational directory");
}

QJsonArray wantedAccess(const Context& ctx) {
    return QJsonArray{QJsonObject{{QStringLiteral("id"), ctx.output(keys::kDynamicsScopeId)}, {QStringLiteral("type"), QStringLiteral("Scope")}}};
}

// The app's requiredResourceAccess with Dynamics CRM's user_impersonation in it; false when it
// was there already.
bool withDynamicsAccess(const Context& ctx, const QJsonArray& have, QJsonArray* merged) {
    const QJsonObject scope = wantedAccess(ctx).first().toObject();
    *merged = have;
    for (int i = 0; i < merged->size(); ++i) {
        QJsonObject entry = merged->at(i).toObject();
        if (entry.value(QStringLiteral("resourceAppId")).toString().compare(kDynamicsCrmAppId, Qt::CaseInsensitive) != 0)
            continue;
        QJsonArray access = entry.value(QStringLiteral("resourceAccess")).toArray();
        for (const QJsonValue& a : access)
            if (a.toObject().value(QStringLiteral("id")).toString().compare(scope.value(QStringLiteral("id")).toString(), Qt::CaseInsensitive) == 0 &&
                a.toObject().value(QStringLiteral("type")).toString() == QLatin1String("Scope"))
                return false;
        access.append(scope);
        entry.insert(QStringLiteral("resourceAccess"), access);
        (*merged)[i] = entry;
        return true;
    }
    merged->append(QJsonObject{{QStringLiteral("resourceAppId"), kDynamicsCrmAppId}, {QStringLiteral("resourceAccess"), wantedAccess(ctx)}});
    return true;
}

// What an existing app lacks, as a Graph PATCH body; empty when it matches the profile. Redirect
// URIs already registered stay: other clients of the app may use them.
QJsonObject patchFor(const Context& ctx, const GraphApplication& app, QStringList* changes) {
    const Profile::Dynamics& want = ctx.profile.dynamics;
    QJsonObject patch;
    if (app.signInAudience != want.signInAudience) {
        patch.insert(QStringLiteral("signInAudience"), want.signInAudience);
        *changes << tr("supported account types");
    }
    if (!app.publicClientRedirectUris.contains(want.redirectUri)) {
        patch.insert(QStringLiteral("publicClient"),
                     QJsonObject{{QStringLiteral("redirectUris"), QJsonArray::fromStringList(app.publicClientRedirectUris + QStringList{want.redirectUri})}});
        *changes << tr("redirect URI");
    }
    if (!app.isFallbackPublicClient) {
        patch.insert(QStringLiteral("isFallbackPublicClient"), true);
        *changes << tr("public client flows");
    }
    QJsonArray merged;
    if (withDynamicsAccess(ctx, app.requiredResourceAccess, &merged)) {
        patch.insert(QStringLiteral("requiredResourceAccess"), merged);
        *changes << tr("Dynamics CRM permission");
    }
    return patch;
}

// --- Steps --------------------------------------------------------------------------------------


void resourceStep(Context& ctx, StepDone done) {
    ctx.services.graph->servicePrincipalByAppId(kDynamicsCrmAppId, [done](const Result<std::optional<GraphServicePrincipal>>& r) {
        if (failed(r, done))
            return;
        if (!r.value->has_value()) {
            done(StepResult::failed(noDynamicsInTenant()));
            return;
        }
        const GraphServicePrincipal& sp = **r.value;
        for (const GraphPermission& scope : sp.oauth2PermissionScopes) {
            if (scope.value != kUserImpersonation)
                continue;
            done(StepResult::done(Outcome::Verified, tr("Found Dynamics CRM's delegated permission user_impersonation (%1).").arg(scope.id),
                                  {{keys::kDynamicsSpId, sp.id}, {keys::kDynamicsScopeId, scope.id}}));
            return;
        }
        done(StepResult::failed(stepError(QStringLiteral("dynamics_scope_missing"),
                                          tr("Dynamics CRM in this tenant does not offer the delegated permission user_impersonation."),
                                          tr("Ask a Global Administrator to check the Dynamics CRM enterprise application of the tenant."))));
    });
}

void appStep(Context& ctx, StepDone done, bool dryRun) {
    const QString name = ctx.profile.azure.appDisplayName;
    ctx.services.graph->findApplicationsByDisplayName(name, [&ctx, done, dryRun, name](const Result<QList<GraphApplication>>& r) {
        if (failed(r, done))
            return;
        const QList<GraphApplication>& apps = *r.value;
        const Profile::Dynamics& want = ctx.profile.dynamics;
        if (apps.size() > 1) {
            done(StepResult::failed(stepError(QStringLiteral("app_ambiguous"),
                                              tr("%1 app registrations are named '%2'.").arg(apps.size()).arg(name),
                                              tr("Give the app a name no other registration uses, or delete the extra ones."))));
            return;
        }
        if (apps.isEmpty()) {
            if (dryRun) {
                done(StepResult::done(Outcome::WouldCreate, tr("Would register the public client app '%1' (%2) with the redirect URI %3.")
                                                                .arg(name, audienceText(want.signInAudience), want.redirectUri)));
                return;
            }
            QJsonArray access;
            withDynamicsAccess(ctx, {}, &access);
            const QJsonObject body{{QStringLiteral("displayName"), name},
                                   {QStringLiteral("signInAudience"), want.signInAudience},
                                   {QStringLiteral("publicClient"), QJsonObject{{QStringLiteral("redirectUris"), QJsonArray{want.redirectUri}}}},
                                   {QStringLiteral("isFallbackPublicClient"), true},
                                   {QStringLiteral("requiredResourceAccess"), access},
                                   {QStringLiteral("tags"), QJsonArray{creationGraphTag(ctx)}}};
            ctx.services.graph->createApplication(body, [&ctx, done, name](const Result<GraphApplication>& created) {
                if (failed(created, done))
                    return;
                recordCreatedApp(ctx, *created.value, QLatin1String(kAppStepId));
                done(StepResult::done(Outcome::Created, tr("Registered the app '%1' (client ID %2).").arg(name, created.value->appId),
                                      {{keys::kAppObjectId, created.value->id}, {keys::kAppId, created.value->appId}}));
            });
            return;
        }
        const GraphApplication app = apps.first();
        const QJsonObject ids{{keys::kAppObjectId, app.id}, {keys::kAppId, app.appId}};
        QStringList changes;
        const QJsonObject patch = patchFor(ctx, app, &changes);
        const QString list = changes.join(QStringLiteral(", "));
        const FoundApp found = claimFoundApp(ctx, app, QLatin1String(kAppStepId), dryRun,
                                             patch.isEmpty() ? tr("use it as it is") : tr("correct it: %1").arg(list));
        if (found.refused) {
            done(StepResult::failed(*found.refused));
            return;
        }
        const bool foreign = found.found == Found::Foreign;
        // Registered by this setup in a run cut short before it could record it.
        const bool ours = !dryRun && found.found == Found::OursUnrecorded;
        if (patch.isEmpty()) {
            done(ours      ? StepResult::done(Outcome::Created, tr("Found the app '%1' that this setup registered before it was interrupted.").arg(name), ids)
                 : foreign ? StepResult::done(Outcome::Adopted, tr("The app '%1' %2: it is already as asked (client ID %3).").arg(name, foreignNote(ctx), app.appId), ids).aboutForeignObject()
                           : StepResult::done(Outcome::Adopted, tr("The app '%1' already exists as asked (client ID %2).").arg(name, app.appId), ids));
            return;
        }
        if (dryRun) {
            done(StepResult::done(Outcome::WouldUpdate, foreign ? tr("The app '%1' %2, and would be corrected: %3.").arg(name, foreignNote(ctx), list)
                                                                : tr("Would correct the app '%1': %2.").arg(name, list),
                                  ids).aboutForeignObject(foreign));
            return;
        }
        ctx.services.graph->updateApplication(app.id, patch, [done, name, list, ids, ours](const Result<Nothing>& updated) {
            if (failed(updated, done))
                return;
            done(StepResult::done(ours ? Outcome::Created : Outcome::Updated, tr("Corrected the app '%1': %2.").arg(name, list), ids));
        });
    });
}



void consentStep(Context& ctx, StepDone done, bool dryRun) {
    if (!ctx.profile.dynamics.adminConsent) {
        done(StepResult::done(Outcome::Skipped, tr("Admin consent was not asked for: each user consents at their first sign-in.")));
        return;
    }
    const QString spId = ctx.output(keys::kSpId);
    if (spId.isEmpty()) {
        done(StepResult::done(Outcome::WouldCreate, tr("Would grant admin consent for Dynamics CRM user_impersonation for all users.")));
        return;
    }
    ctx.services.graph->permissionGrants(spId, [&ctx, done, dryRun, spId](const Result<QList<GraphPermissionGrant>>& r) {
        if (failed(r, done))
            return;
        const QString crmSp = ctx.output(keys::kDynamicsSpId);
        for (const GraphPermissionGrant& g : *r.value) {
            if (g.resourceId != crmSp || g.consentType != QLatin1String("AllPrincipals"))
                continue;
            QStringList scopes = g.scope.split(QLatin1Char(' '), Qt::SkipEmptyParts);
            if (scopes.contains(kUserImpersonation)) {
                done(StepResult::done(Outcome::Verified, tr("Admin consent for Dynamics CRM user_impersonation is in place."),
                                      {{keys::kDynamicsGrantId, g.id}}));
                return;
            }
            if (dryRun) {
                done(StepResult::done(Outcome::WouldUpdate, tr("Would add user_impersonation to the existing Dynamics CRM consent.")));
                return;
            }
            scopes << kUserImpersonation;
            ctx.services.graph->updatePermissionGrant(g.id, scopes.join(QLatin1Char(' ')), [done, id = g.id](const Result<Nothing>& u) {
                if (failed(u, done))
                    return;
                done(StepResult::done(Outcome::Updated, tr("Added user_impersonation to the Dynamics CRM admin consent."),
                                      {{keys::kDynamicsGrantId, id}}));
            });
            return;
        }
        if (dryRun) {
            done(StepResult::done(Outcome::WouldCreate, tr("Would grant admin consent for Dynamics CRM user_impersonation for all users.")));
            return;
        }
        ctx.services.graph->createPermissionGrant(spId, crmSp, kUserImpersonation, [&ctx, done, spId](const Result<GraphPermissionGrant>& c) {
            if (failed(c, done))
                return;
            recordCreated(ctx, kinds::kPermissionGrant, c.value->id, QLatin1String(kConsentStepId), tr("Dynamics CRM user_impersonation"), spId);
            done(StepResult::done(Outcome::Created, tr("Granted admin consent for Dynamics CRM user_impersonation for all users."),
                                  {{keys::kDynamicsGrantId, c.value->id}}));
        });
    });
}

void finishRegistrationCheck(const QStringList& problems, const QString& summary, const StepDone& done) {
    if (!problems.isEmpty()) {
        done(StepResult::failed(stepError(QStringLiteral("registration_differs"),
                                          tr("The app registration is not as asked: %1.").arg(problems.join(QStringLiteral("; "))),
                                          tr("Run the setup again: it corrects the registration; or fix it in the Azure portal."))));
        return;
    }
    done(StepResult::done(Outcome::Verified, summary));
}

// Each property the registration must have, read back from Graph; a brand-new app may need a
// moment before every replica knows it.
void checkRegistration(Context& ctx, StepDone done, std::shared_ptr<QElapsedTimer> clock) {
    ctx.services.graph->applicationByAppId(ctx.output(keys::kAppId), [&ctx, done, clock](const Result<std::optional<GraphApplication>>& r) {
        if (failed(r, done))
            return;
        if (!r.value->has_value()) {
            if (clock->elapsed() + 2000 < ctx.replicationBudgetMs) {
                QTimer::singleShot(2000, ctx.services.graph, [&ctx, done, clock] { checkRegistration(ctx, done, clock); });
                return;
            }
            done(StepResult::failed(stepError(QStringLiteral("app_missing"),
                                              tr("Entra ID does not find the app with client ID %1 any more.").arg(ctx.output(keys::kAppId)),
                                              tr("Run the setup again: it registers the app anew."), true)));
            return;
        }
        const GraphApplication& app = **r.value;
        const Profile::Dynamics& want = ctx.profile.dynamics;
        QStringList problems;
        if (app.signInAudience != want.signInAudience)
            problems << tr("its supported account types are %1 instead of %2").arg(app.signInAudience, want.signInAudience);
        if (!app.publicClientRedirectUris.contains(want.redirectUri))
            problems << tr("the mobile and desktop redirect URI %1 is missing").arg(want.redirectUri);
        if (!app.isFallbackPublicClient)
            problems << tr("'Allow public client flows' is off");
        QJsonArray merged;
        if (withDynamicsAccess(ctx, app.requiredResourceAccess, &merged))
            problems << tr("the Dynamics CRM permission user_impersonation is missing");
        QString summary = tr("The app exists with %1, the redirect URI %2, public client flows on and Dynamics CRM user_impersonation")
                              .arg(audienceText(want.signInAudience), want.redirectUri);
        if (!want.adminConsent) {
            finishRegistrationCheck(problems, summary + QLatin1Char('.'), done);
            return;
        }
        ctx.services.graph->permissionGrants(ctx.output(keys::kSpId), [&ctx, done, problems, summary](const Result<QList<GraphPermissionGrant>>& g) mutable {
            if (failed(g, done))
                return;
            bool consented = false;
            for (const GraphPermissionGrant& grant : *g.value)
                consented = consented || (grant.resourceId == ctx.output(keys::kDynamicsSpId) && grant.consentType == QLatin1String("AllPrincipals") &&
                                          grant.scope.split(QLatin1Char(' ')).contains(kUserImpersonation));
            if (!consented)
                problems << tr("admin consent for user_impersonation is missing");
            finishRegistrationCheck(problems, summary + tr(", consented for all users."), done);
        });
    });
}

void validateRegistrationStep(Context& ctx, StepDone done) {
    auto clock = std::make_shared<QElapsedTimer>();
    clock->start();
    checkRegistration(ctx, done, clock);
}

QString testResource(const Profile& profile) {
    QString org = profile.dynamics.organizationUrl;
    while (org.endsWith(QLatin1Char('/')))
        org.chop(1);
    return org.isEmpty() ? kDynamicsCrmAppId : org;
}

// The token a user got through the new app must be for Dynamics, name the app, and carry
// user_impersonation; its signature and issuer are checked against the tenant's keys.
void checkTestToken(Context& ctx, const TokenSet& tokens, StepDone done) {
    const QString tenant = ctx.output(keys::kTenantId);
    const QString appId = ctx.output(keys::kAppId);
    const QString resource = testResource(ctx.profile);
    ctx.services.tokens->checkV1Token(tenant, tokens.accessToken.toUtf8(), Profile::issuerFor(tenant), appId,
                                      [done, tokens, resource](const Result<TokenCheck>& c) {
        if (failed(c, done))
            return;
        QStringList problems = c.value->problems;
        if (!c.value->signatureValid && problems.isEmpty())
            problems << tr("Its signature does not verify against the tenant's keys.");
        const QString audience = c.value->claims.value(QStringLiteral("aud")).toString();
        if (audience.compare(resource, Qt::CaseInsensitive) != 0 && audience.compare(resource + QLatin1Char('/'), Qt::CaseInsensitive) != 0)
            problems << tr("Its audience is %1, not %2.").arg(audience, resource);
        if (!tokens.scopes.contains(kUserImpersonation))
            problems << tr("It does not carry the user_impersonation permission.");
        if (!problems.isEmpty()) {
            done(StepResult::failed(stepError(QStringLiteral("test_token_wrong"),
                                              tr("The test sign-in got a token that Dynamics 365 would refuse: %1").arg(problems.join(QLatin1Char(' '))),
                                              tr("Check the app's API permissions in the Azure portal and grant admin consent again."))));
            return;
        }
        done(StepResult::done(Outcome::Verified, tr("%1 signed in through the app with a device code and got a token for %2 with "
                                                    "user_impersonation.")
                                                     .arg(tokens.userName, resource)));
    });
}

Error testSignInFailure(const Error& cause) {
    if (cause.code == QLatin1String("entra.AADSTS500011"))
        return noDynamicsInTenant();
    Error e = cause;
    e.what = tr("The test sign-in through the app failed: %1").arg(cause.what);
    return e;
}

// The sandbox stands in for the person at the browser: it approves the code as its seeded user.
void approveInSandbox(Context& ctx, const QUrl& approveUrl, const QString& userCode, std::function<void(const Error&)> failedApproval) {
    HttpRequest request;
    request.method = "POST";
    request.url = approveUrl;
    request.flavor = ErrorFlavor::Entra;
    request.setJsonBody(QJsonDocument(QJsonObject{{QStringLiteral("user_code"), userCode}}));
    ctx.services.http->send(request, [failedApproval](const HttpResponse&, const std::optional<Error>& error) {
        if (error)
            failedApproval(*error);
    });
}

void testSignInStep(Context& ctx, StepDone done, const DynamicsTargets& targets) {
    if (!ctx.profile.dynamics.testSignIn) {
        done(StepResult::done(Outcome::Skipped, tr("The test sign-in was not asked for.")));
        return;
    }
    if (!targets.sandboxApproveUrl.isValid() && !targets.showDeviceCode) {
        done(StepResult::done(Outcome::Skipped, tr("Skipped the test sign-in: it needs a person to enter a device code, and this run has "
                                                   "no one to show it to.")));
        return;
    }
    const QString scope = testResource(ctx.profile) + QStringLiteral("/.default");
    auto* signIn = new EntraSignIn(*ctx.services.http, targets.login, ctx.output(keys::kTenantId), ctx.output(keys::kAppId), {scope},
                                   ctx.services.graph);
    // One answer only: whichever of the sign-in and the sandbox's approval fails first, or the token.
    auto answered = std::make_shared<bool>(false);
    const auto finish = [signIn, done, answered](const StepResult& result) {
        if (*answered)
            return;
        *answered = true;
        signIn->cancel();
        signIn->deleteLater();
        done(result);
    };
    QObject::connect(signIn, &EntraSignIn::failed, signIn, [finish](const Error& e) { finish(StepResult::failed(testSignInFailure(e))); });
    QObject::connect(signIn, &EntraSignIn::signedIn, signIn, [&ctx, finish](const TokenSet& tokens) { checkTestToken(ctx, tokens, finish); });
    QObject::connect(signIn, &EntraSignIn::deviceCode, signIn,
                     [&ctx, targets, finish](const QString& userCode, const QUrl&, const QString& message, int) {
        if (!targets.sandboxApproveUrl.isValid()) {
            targets.showDeviceCode(message);
            return;
        }
        approveInSandbox(ctx, targets.sandboxApproveUrl, userCode, [finish](const Error& e) { finish(StepResult::failed(testSignInFailure(e))); });
    });
    signIn->startDeviceCode();
}

}  // namespace

Plan dynamicsClientPlan(const DynamicsTargets& targets) {
    Plan plan;

    Step tenant = makeStep("azure.tenant", tr("Check the Microsoft Entra tenant"),
                           tr("Reads the tenant you signed in to and checks it is the one the profile names."), {});
    tenant.apply = tenant.inspect = tenantStep;
    plan << tenant;

    Step resource = makeStep("dynamics.resource", tr("Find Dynamics CRM in the tenant"),
                             tr("Finds the tenant's Dynamics CRM service principal and the id of its delegated permission user_impersonation."), {});
    resource.apply = resource.inspect = resourceStep;
    plan << resource;

    Step app = makeStep(kAppStepId, tr("Register the client application"),
                        tr("Finds or creates the app registration: supported account types, the mobile and desktop redirect URI, "
                           "'Allow public client flows' on, and the Dynamics CRM permission user_impersonation."),
                        {tenant.id, resource.id});
    app.apply = [](Context& c, StepDone d) { appStep(c, d, false); };
    app.inspect = [](Context& c, StepDone d) { appStep(c, d, true); };
    app.cleanup = [](Context& c, StepDone d) { deleteAppStep(c, d, QLatin1String(kAppStepId)); };
    plan << app;

    Step sp = makeStep("dynamics.service-principal", tr("Create the app's service principal"),
                       tr("The enterprise application that admin consent is granted to."), {app.id});
    sp.apply = [id = sp.id](Context& c, StepDone d) { servicePrincipalStep(c, d, false, id); };
    sp.inspect = [id = sp.id](Context& c, StepDone d) { servicePrincipalStep(c, d, true, id); };
    sp.cleanup = [id = sp.id](Context& c, StepDone d) { deleteServicePrincipalsStep(c, d, id); };
    plan << sp;

    Step consent = makeStep(kConsentStepId, tr("Grant admin consent"),
                            tr("Grants Dynamics CRM user_impersonation for all users of the organization, so that nobody sees a consent prompt."),
                            {sp.id, resource.id}, true);
    consent.apply = [](Context& c, StepDone d) { consentStep(c, d, false); };
    consent.inspect = [](Context& c, StepDone d) { consentStep(c, d, true); };
    consent.cleanup = [](Context& c, StepDone d) { deleteGrantsStep(c, d, QLatin1String(kConsentStepId)); };
    plan << consent;

    Step registration = makeStep("validate.registration", tr("Check the registration"),
                                 tr("Reads the app back from Microsoft Graph and checks each property."), {app.id, sp.id, consent.id});
    registration.apply = validateRegistrationStep;
    registration.inspect = [](Context&, StepDone d) {
        d(StepResult::done(Outcome::WouldCheck, tr("Would read the app back and check its properties.")));
    };
    plan << registration;

    Step signIn = makeStep("validate.test-sign-in", tr("Sign in through the app"),
                           tr("Signs a user in through the new app with a device code and checks the token is for Dynamics 365 with "
                              "user_impersonation."),
                           {registration.id}, true);
    signIn.apply = [targets](Context& c, StepDone d) { testSignInStep(c, d, targets); };
    signIn.inspect = [](Context& c, StepDone d) {
        if (c.profile.dynamics.testSignIn)
            d(StepResult::done(Outcome::WouldCheck, tr("Would sign in through the app with a device code.")));
        else
            d(StepResult::done(Outcome::Skipped, tr("The test sign-in was not asked for.")));
    };
    plan << signIn;

    return plan;
}

DynamicsClientSettings dynamicsClientSettings(const Profile& profile, const QJsonObject& outputs, const QString& loginBase) {
    DynamicsClientSettings s;
    s.clientId = outputs.value(keys::kAppId).toString();
    s.redirectUri = profile.dynamics.redirectUri;
    QString base = loginBase;
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    const QString tenantId = outputs.value(keys::kTenantId).toString();
    const bool singleTenant = profile.dynamics.signInAudience == QLatin1String("AzureADMyOrg");
    s.authority = base + QLatin1Char('/') +
                  (singleTenant ? (tenantId.isEmpty() ? profile.azure.tenant : tenantId) : QStringLiteral("organizations"));
    QString org = profile.dynamics.organizationUrl;
    while (org.endsWith(QLatin1Char('/')))
        org.chop(1);
    s.organizationUrl = org.isEmpty() ? QStringLiteral("https://<your-org>.crm.dynamics.com") : org;
    if (!s.clientId.isEmpty())
        s.connectionString = QStringLiteral("AuthType=OAuth;Url=%1;AppId=%2;RedirectUri=%3;LoginPrompt=Auto")
                                 .arg(s.organizationUrl, s.clientId, s.redirectUri);
    return s;
}

}  // namespace dcr::engine
