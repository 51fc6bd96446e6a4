#pragma once

#include "core/error.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>

namespace dcr::engine {

class Context;

// What a step did (or, in a dry run, would do) to the one thing it is responsible for.
enum class Outcome {
    Created,    // made by this run (cleanup may delete it)
    Adopted,    // already existed and matched; used as is
    Updated,    // existed and was changed to match the profile
    Verified,   // a check that passed (consent present, token valid…)
    WouldCreate,  // dry run: does not exist yet
    WouldUpdate,  // dry run: exists but differs from the profile
    WouldCheck,   // dry run: a check that will run
    Skipped,    // optional and not wanted, or skipped by the user
};

QString outcomeName(Outcome outcome);

struct StepResult {
    std::optional<Error> error;  // set: the step failed
    Outcome outcome = Outcome::Verified;
    QString summary;             // one sentence for the user, e.g. "Created the app registration 'X'."
    QJsonObject outputs;         // ids this step found or made (never secrets); merged into the context
    // The step's object exists and was not created by dcr-wizard: the wizard then asks before
    // using it (Context::allowAdopt).
    bool foreign = false;

    static StepResult failed(Error e) {
        StepResult r;
        r.error = std::move(e);
        return r;
    }
    static StepResult done(Outcome outcome, QString summary, QJsonObject outputs = {}) {
        StepResult r;
        r.outcome = outcome;
        r.summary = std::move(summary);
        r.outputs = std::move(outputs);
        return r;
    }
    bool ok() const { return !error.has_value(); }
    StepResult aboutForeignObject(bool isForeign = true) const {
        StepResult r = *this;
        r.foreign = isForeign;
        return r;
    }
};

using StepDone = std::function<void(const StepResult&)>;
using StepAction = std::function<void(Context&, StepDone)>;

// One step of a plan, as data: its place in the dependency graph and the three things it can do.
// `apply` finds-or-creates, `inspect` only looks (dry run), `cleanup` deletes what `apply` created.
struct Step {
    QString id;           // stable, used in saved state: "azure.app"
    QString title;        // for people: "Register the application in Microsoft Entra ID"
    QString description;  // what will happen, in one or two sentences
    QStringList dependsOn;
    bool optional = false;
    StepAction apply;
    StepAction inspect;
    StepAction cleanup;   // may be empty: nothing to undo
};

using Plan = QList<Step>;

// A step of a plan with what people read of it; the blueprint then sets its actions.
Step makeStep(const char* id, QString title, QString description, QStringList dependsOn, bool optional = false);

// Orders the steps so that each comes after everything it depends on (stable for independent
// steps); returns an empty list and sets *error when an id is unknown or there is a cycle.
QList<int> dependencyOrder(const Plan& plan, QString* error);

}  // namespace dcr::engine
