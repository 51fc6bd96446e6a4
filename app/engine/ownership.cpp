#include "engine/ownership.h"

#include <QCoreApplication>
#include <QJsonArray>

#include <algorithm>

namespace dcr::engine {

namespace {

QString tr(const char* text) { return QCoreApplication::translate("dcr::engine::Ownership", text); }

QJsonArray toArray(const QList<ObjectRecord>& records) {
    QJsonArray array;
    for (const ObjectRecord& r : records)
        array.append(r.toJson());
    return array;
}

QList<ObjectRecord> fromArray(const QJsonValue& value) {
    QList<ObjectRecord> records;
    for (const QJsonValue& item : value.toArray()) {
        ObjectRecord r = ObjectRecord::fromJson(item.toObject());
        if (!r.kind.isEmpty() && !r.id.isEmpty())
            records.append(r);
    }
    return records;
}

void put(QList<ObjectRecord>& list, ObjectRecord record) {
    list.removeIf([&](const ObjectRecord& r) { return r.kind == record.kind && r.id == record.id; });
    list.append(std::move(record));
}

const ObjectRecord* find(const QList<ObjectRecord>& list, const QString& kind, const QString& id) {
    for (const ObjectRecord& r : list)
        if (r.kind == kind && r.id == id)
            return &r;
    return nullptr;
}

QString described(const ObjectRecord& r) {
    const QString what = r.name.isEmpty() ? kindPhrase(r.kind) : QStringLiteral("%1 '%2'").arg(kindPhrase(r.kind), r.name);
    return r.where.isEmpty() ? QStringLiteral("%1 (%2)").arg(what, r.id) : QStringLiteral("%1 (%2, %3)").arg(what, r.id, r.where);
}

}  // namespace

QJsonObject ObjectRecord::toJson() const {
    QJsonObject o{{QStringLiteral("kind"), kind}, {QStringLiteral("id"), id}, {QStringLiteral("step"), step},
                  {QStringLiteral("name"), name}, {QStringLiteral("where"), where}, {QStringLiteral("at"), at}};
    if (!parentId.isEmpty())
        o.insert(QStringLiteral("parent_id"), parentId);
    if (!details.isEmpty())
        o.insert(QStringLiteral("details"), details);
    return o;
}

ObjectRecord ObjectRecord::fromJson(const QJsonObject& json) {
    ObjectRecord r;
    r.kind = json.value(QStringLiteral("kind")).toString();
    r.id = json.value(QStringLiteral("id")).toString();
    r.step = json.value(QStringLiteral("step")).toString();
    r.parentId = json.value(QStringLiteral("parent_id")).toString();
    r.name = json.value(QStringLiteral("name")).toString();
    r.where = json.value(QStringLiteral("where")).toString();
    r.at = json.value(QStringLiteral("at")).toString();
    r.details = json.value(QStringLiteral("details")).toObject();
    return r;
}

bool Ownership::isCreated(const QString& kind, const QString& id) const { return find(m_created, kind, id) != nullptr; }

bool Ownership::isAdopted(const QString& kind, const QString& id) const { return find(m_adopted, kind, id) != nullptr; }

const ObjectRecord* Ownership::findCreated(const QString& kind, const QString& id) const { return find(m_created, kind, id); }

QList<ObjectRecord> Ownership::createdBy(const QString& step) const {
    QList<ObjectRecord> out;
    for (auto it = m_created.crbegin(); it != m_created.crend(); ++it)
        if (it->step == step)
            out.append(*it);
    return out;
}

void Ownership::recordCreated(ObjectRecord record) {
    m_adopted.removeIf([&](const ObjectRecord& r) { return r.kind == record.kind && r.id == record.id; });
    put(m_created, std::move(record));
}

void Ownership::recordAdopted(ObjectRecord record) {
    // What this setup made stays its own, whatever a later run finds.
    if (isCreated(record.kind, record.id))
        return;
    put(m_adopted, std::move(record));
}

void Ownership::forget(const QString& kind, const QString& id) {
    const auto same = [&](const ObjectRecord& r) { return r.kind == kind && r.id == id; };
    m_created.removeIf(same);
    m_adopted.removeIf(same);
}

void Ownership::clear() {
    m_created.clear();
    m_adopted.clear();
}

QJsonObject Ownership::toJson() const {
    return {{QStringLiteral("created"), toArray(m_created)}, {QStringLiteral("adopted"), toArray(m_adopted)}};
}

Ownership Ownership::fromJson(const QJsonObject& json) {
    Ownership o;
    o.m_created = fromArray(json.value(QStringLiteral("created")));
    o.m_adopted = fromArray(json.value(QStringLiteral("adopted")));
    return o;
}

QString kindPhrase(const QString& kind) {
    if (kind == kinds::kApplication)
        return tr("the app registration");
    if (kind == kinds::kPassword)
        return tr("the client secret (password credential)");
    if (kind == kinds::kServicePrincipal)
        return tr("the service principal");
    if (kind == kinds::kAppRoleAssignment)
        return tr("the app role assignment (admin consent)");
    if (kind == kinds::kPermissionGrant)
        return tr("the delegated permission grant (admin consent)");
    if (kind == kinds::kDcrProvider)
        return tr("the DCR provider");
    if (kind == kinds::kAuthStrategy)
        return tr("the auth strategy");
    if (kind == kinds::kPublication)
        return tr("the API's publication");
    if (kind == kinds::kPortalApplication)
        return tr("the developer application");
    return kind;
}

QList<CleanupPlanLine> cleanupPlan(const Ownership& ownership) {
    QList<CleanupPlanLine> lines;
    for (auto it = ownership.created().crbegin(); it != ownership.created().crend(); ++it) {
        const bool restore = it->kind == kinds::kPublication && it->details.contains(QStringLiteral("previous"));
        const QString text = restore ? tr("Put back as it was before this setup: %1").arg(described(*it))
                                     : tr("Delete: %1, created by this setup").arg(described(*it));
        lines.append({true, *it, text});
    }
    for (const ObjectRecord& r : ownership.adopted())
        lines.append({false, r, tr("Keep: %1; it existed before this setup, which only used it").arg(described(r))});
    return lines;
}

}  // namespace dcr::engine
