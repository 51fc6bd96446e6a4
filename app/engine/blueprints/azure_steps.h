#pragma once

#include "clients/result.h"
#include "engine/creation_tag.h"
#include "engine/step.h"

namespace dcr {
struct GraphApplication;
}

namespace dcr::engine {

// What both Entra ID blueprints (Kong DCR and the Dynamics client app) do the same way.

Error stepError(const QString& code, const QString& what, const QString& remedy, bool retryable = false);

// Ends the step with the request's error; true when there was one.
template <typename T>
bool failed(const Result<T>& r, const StepDone& done) {
    if (r.ok())
        return false;
    done(StepResult::failed(*r.error));
    return true;
}

// Checks that the signed-in tenant is the profile's (and, for real services, the one the saved
// progress belongs to) and records its id and name.
void tenantStep(Context& ctx, StepDone done);

// An app registration the app step found by its name: this setup's own, made by it in a run cut
// short (recorded now), or someone else's, which is used only with the user's consent (recorded as
// adopted). On a dry run nothing is recorded or refused. use: what the setup would do with it.
struct FoundApp {
    Found found = Found::Foreign;
    std::optional<Error> refused;
};
FoundApp claimFoundApp(Context& ctx, const GraphApplication& app, const QString& step, bool dryRun, const QString& use);
// "exists, not created by dcr-wizard: …" for dry runs and summaries of a foreign app.
QString foreignNote(const Context& ctx);
// Records the app a step just registered.
void recordCreatedApp(Context& ctx, const GraphApplication& app, const QString& step);

// Finds or creates the service principal of the app the plan registered (keys::kAppId).
void servicePrincipalStep(Context& ctx, StepDone done, bool dryRun, const QString& step);
// Clean-up: deletes the service principals `step` created, each checked again first.
void deleteServicePrincipalsStep(Context& ctx, StepDone done, const QString& step);
// Clean-up: deletes the app registrations `step` created, each checked again first, and any app of
// the profile's name that carries this setup's tag without having been recorded.
void deleteAppStep(Context& ctx, StepDone done, const QString& step);
// Clean-up: deletes the delegated permission grants `step` created, each checked again first.
void deleteGrantsStep(Context& ctx, StepDone done, const QString& step);

// The one result of a clean-up step from what it removed.
StepResult cleanupResult(const std::optional<Error>& error, const QStringList& said);

}  // namespace dcr::engine
