#pragma once

#include "clients/result.h"
#include "engine/step.h"

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

// Checks that the signed-in tenant is the profile's and records its id and name.
void tenantStep(Context& ctx, StepDone done);
// Finds or creates the service principal of the app the plan registered (keys::kAppId).
void servicePrincipalStep(Context& ctx, StepDone done, bool dryRun);
// Deletes the app registration (keys::kAppObjectId).
void deleteAppStep(Context& ctx, StepDone done);

}  // namespace dcr::engine
