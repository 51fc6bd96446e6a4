#include "engine/creation_tag.h"

#include "engine/context.h"

namespace dcr::engine {

namespace {
// A Konnect label key may not start with kong, konnect, mesh, kic or '_'; the value is the bare
// tag, which is hex and so a valid label value.
const QString kLabelKey = QStringLiteral("dcr-wizard-run");
}  // namespace

QString creationGraphTag(const Context& ctx) { return kLabelKey + QLatin1Char(':') + ctx.creationTag; }

QJsonObject creationLabels(const Context& ctx) {
    if (ctx.creationTag.isEmpty())
        return {};
    return {{kLabelKey, ctx.creationTag}};
}

bool createdButNotRecorded(const QStringList& graphTags, const Context& ctx, const QString& stepId) {
    return !ctx.creationTag.isEmpty() && !ctx.createdSteps.contains(stepId) && graphTags.contains(creationGraphTag(ctx));
}

bool createdButNotRecorded(const QJsonObject& labels, const Context& ctx, const QString& stepId) {
    return !ctx.creationTag.isEmpty() && !ctx.createdSteps.contains(stepId) && labels.value(kLabelKey).toString() == ctx.creationTag;
}

}  // namespace dcr::engine
