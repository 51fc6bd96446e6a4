#include "engine/creation_tag.h"

#include "engine/context.h"

#include <QCoreApplication>
#include <QDateTime>

namespace dcr::engine {

namespace {
// A Konnect label key may not start with kong, konnect, mesh, kic or '_'; the value is the bare
// tag, which is hex and so a valid label value.
const QString kLabelKey = QStringLiteral("dcr-wizard-run");

QString tr(const char* text) { return QCoreApplication::translate("dcr::engine::Ownership", text); }

ObjectRecord record(const Context& ctx, const QString& kind, const QString& id, const QString& step, const QString& name) {
    ObjectRecord r;
    r.kind = kind;
    r.id = id;
    r.step = step;
    r.name = name;
    const bool konnect = kind == kinds::kDcrProvider || kind == kinds::kAuthStrategy || kind == kinds::kPublication ||
                         kind == kinds::kPortalApplication;
    r.where = konnect ? konnectWhere(ctx) : azureWhere(ctx);
    r.at = QDateTime::currentDateTimeUtc().toString(Qt::ISODate);
    return r;
}
}  // namespace

QString creationGraphTag(const Context& ctx) { return kLabelKey + QLatin1Char(':') + ctx.creationTag; }

QJsonObject creationLabels(const Context& ctx) {
    if (ctx.creationTag.isEmpty())
        return {};
    return {{kLabelKey, ctx.creationTag}};
}

bool hasCreationTag(const QStringList& graphTags, const Context& ctx) {
    return !ctx.creationTag.isEmpty() && graphTags.contains(creationGraphTag(ctx));
}

bool hasCreationTag(const QJsonObject& labels, const Context& ctx) {
    return !ctx.creationTag.isEmpty() && labels.value(kLabelKey).toString() == ctx.creationTag;
}

bool nameHasCreationTag(const QString& name, const Context& ctx) {
    return !ctx.creationTag.isEmpty() && name.contains(ctx.creationTag);
}

Found classify(const Context& ctx, const QString& kind, const QString& id, bool tagged) {
    if (!tagged)
        return Found::Foreign;
    return ctx.ownership.isCreated(kind, id) ? Found::Ours : Found::OursUnrecorded;
}

QString azureWhere(const Context& ctx) {
    const QString tenant = ctx.outputs.value(QStringLiteral("tenant_id")).toString();
    return tenant.isEmpty() ? ctx.graphHost : tr("%1, tenant %2").arg(ctx.graphHost, tenant);
}

QString konnectWhere(const Context& ctx) {
    const QString org = ctx.outputs.value(QStringLiteral("konnect_org_id")).toString();
    return org.isEmpty() ? ctx.konnectHost : tr("%1, organization %2").arg(ctx.konnectHost, org);
}

void recordCreated(Context& ctx, const QString& kind, const QString& id, const QString& step, const QString& name,
                   const QString& parentId, const QJsonObject& details) {
    ObjectRecord r = record(ctx, kind, id, step, name);
    r.parentId = parentId;
    r.details = details;
    ctx.ownership.recordCreated(std::move(r));
    ctx.persist();
}

void recordAdopted(Context& ctx, const QString& kind, const QString& id, const QString& step, const QString& name) {
    ctx.ownership.recordAdopted(record(ctx, kind, id, step, name));
    ctx.persist();
}

std::optional<Error> adoptionRefused(const Context& ctx, const QString& what, const QString& id, const QString& use) {
    if (ctx.allowAdopt)
        return std::nullopt;
    Error e;
    e.code = QStringLiteral("adoption_needed");
    e.what = tr("%1 (%2) already exists and was not created by dcr-wizard; it was left as it is.").arg(what, id);
    e.remedy = tr("To use it anyway (dcr-wizard would %1, and clean-up would never delete it), allow using existing objects: "
                  "--adopt, or \"adopt\": true in the profile. Otherwise choose another name in the profile.")
                   .arg(use);
    return e;
}

Error notOursAnyMore(const QString& what, const QString& id, const QString& why) {
    Error e;
    e.code = QStringLiteral("not_ours");
    e.what = tr("%1 (%2) was not deleted: %3").arg(what, id, why);
    e.remedy = tr("It may have been replaced by an object someone else made. Check it in the portal; if it really is the one this "
                  "setup made, delete it there, then run the clean-up again.");
    return e;
}

namespace {
void removeNext(Context& ctx, QList<ObjectRecord> remaining, RemoveOne remove, QStringList said,
                std::function<void(const std::optional<Error>&, const QStringList&)> done) {
    if (remaining.isEmpty()) {
        done(std::nullopt, said);
        return;
    }
    const ObjectRecord object = remaining.takeFirst();
    remove(ctx, object, [&ctx, object, remaining, remove, said, done](const std::optional<Error>& error, const QString& sentence) mutable {
        if (error) {
            done(error, said);
            return;
        }
        ctx.ownership.forget(object.kind, object.id);
        ctx.persist();
        said << sentence;
        removeNext(ctx, remaining, remove, said, done);
    });
}
}  // namespace

void removeCreated(Context& ctx, const QString& step, const QString& kind, RemoveOne remove,
                   std::function<void(const std::optional<Error>&, const QStringList&)> done) {
    QList<ObjectRecord> mine;
    for (const ObjectRecord& r : ctx.ownership.createdBy(step))
        if (r.kind == kind)
            mine << r;
    removeNext(ctx, mine, std::move(remove), {}, std::move(done));
}

}  // namespace dcr::engine
