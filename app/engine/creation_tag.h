#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace dcr::engine {

class Context;

// How the objects a setup creates carry its Context::creationTag (a Graph application's `tags`
// entry, a Konnect entity's label), and how the step that creates one, finding it, tells that
// this setup made it without recording so: the create was answered after the run was cut short,
// or its answer was lost. Without a tag (no run has started) nothing counts as this setup's.
QString creationGraphTag(const Context& ctx);
QJsonObject creationLabels(const Context& ctx);
bool createdButNotRecorded(const QStringList& graphTags, const Context& ctx, const QString& stepId);
bool createdButNotRecorded(const QJsonObject& labels, const Context& ctx, const QString& stepId);

}  // namespace dcr::engine
