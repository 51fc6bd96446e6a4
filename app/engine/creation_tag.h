#pragma once

#include "core/error.h"
#include "engine/ownership.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>

namespace dcr::engine {

class Context;

// How the objects a setup creates carry its Context::creationTag (a Graph object's `tags` entry, a
// Konnect entity's label, a password credential's or developer application's name), and how a
// step tells, finding an object, whether it is this setup's own.
QString creationGraphTag(const Context& ctx);
QJsonObject creationLabels(const Context& ctx);
bool hasCreationTag(const QStringList& graphTags, const Context& ctx);
bool hasCreationTag(const QJsonObject& labels, const Context& ctx);
// For what carries no tags: the tag inside its name.
bool nameHasCreationTag(const QString& name, const Context& ctx);

// What an existing object is to this setup.
enum class Found {
    Ours,            // recorded as created by this setup, and still tagged as its own
    OursUnrecorded,  // tagged as this setup's, but the run that made it was cut short before recording it
    Foreign,         // anything else: made by someone else, or recorded but no longer tagged (replaced)
};
Found classify(const Context& ctx, const QString& kind, const QString& id, bool tagged);

// "<host>, tenant <id>" and "<host>, organization <id>": where an object lives, for the record.
QString azureWhere(const Context& ctx);
QString konnectWhere(const Context& ctx);

// Records an object the moment this setup made it, and saves the progress at once.
void recordCreated(Context& ctx, const QString& kind, const QString& id, const QString& step, const QString& name,
                   const QString& parentId = {}, const QJsonObject& details = {});
// Records an existing object this setup uses with the user's consent.
void recordAdopted(Context& ctx, const QString& kind, const QString& id, const QString& step, const QString& name);

// The error that stops a step which found `what` (e.g. "The app registration 'Contoso Prod'"),
// made by someone else, while the user has not allowed using such objects; empty when allowed.
// use: what this setup would then do with it, e.g. "add the missing permissions and a client secret".
std::optional<Error> adoptionRefused(const Context& ctx, const QString& what, const QString& id, const QString& use);

// The error that stops a clean-up (or a change) of a recorded object that no longer looks like the
// one this setup made: nothing is deleted.
Error notOursAnyMore(const QString& what, const QString& id, const QString& why);

// Removes, one after another and newest first, the objects of `kind` that `step` created. `remove`
// checks one object again and deletes it, answering with an error or what it did (one sentence);
// each object removed (or found gone) is forgotten and the progress saved. Stops at the first error.
using Removed = std::function<void(const std::optional<Error>& error, const QString& said)>;
using RemoveOne = std::function<void(Context& ctx, const ObjectRecord& object, Removed removed)>;
void removeCreated(Context& ctx, const QString& step, const QString& kind, RemoveOne remove,
                   std::function<void(const std::optional<Error>& error, const QStringList& said)> done);

}  // namespace dcr::engine
