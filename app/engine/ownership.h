#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace dcr::engine {

// The kinds of object a setup makes or uses, as saved in the progress file.
namespace kinds {
inline const QString kApplication = QStringLiteral("application");
inline const QString kPassword = QStringLiteral("password_credential");
inline const QString kServicePrincipal = QStringLiteral("service_principal");
inline const QString kAppRoleAssignment = QStringLiteral("app_role_assignment");
inline const QString kPermissionGrant = QStringLiteral("permission_grant");
inline const QString kDcrProvider = QStringLiteral("dcr_provider");
inline const QString kAuthStrategy = QStringLiteral("auth_strategy");
inline const QString kPublication = QStringLiteral("publication");
inline const QString kPortalApplication = QStringLiteral("portal_application");
}  // namespace kinds

// One object of a setup: what it is, where it lives and which step made or found it.
struct ObjectRecord {
    QString kind;      // kinds::…
    QString id;        // the service's id (a publication: "<api id>/<portal id>")
    QString step;      // the plan step responsible for it
    QString parentId;  // a password: its app's object id; an assignment or grant: the client's service principal
    QString name;      // for people: the display name, or what the id alone does not say
    QString where;     // the tenant or organization and the service's host it lives in
    QString at;        // when it was recorded (UTC, ISO 8601)
    // What clean-up needs beyond the id: a publication this setup switched to its own strategy has
    // "previous" (what it was, to put back); a client secret has "app_id" (its keychain entry).
    QJsonObject details;

    QJsonObject toJson() const;
    static ObjectRecord fromJson(const QJsonObject& json);
};

// Which objects are this setup's own and which it only uses. An object is this setup's own only
// if it was recorded here when it was made (and, where the service can carry it, still has the
// setup's tag: the steps check that again before every change and every delete). Adopted objects
// existed before; the user allowed the setup to use them, and clean-up never deletes them.
class Ownership {
public:
    const QList<ObjectRecord>& created() const { return m_created; }
    const QList<ObjectRecord>& adopted() const { return m_adopted; }

    bool isCreated(const QString& kind, const QString& id) const;
    bool isAdopted(const QString& kind, const QString& id) const;
    const ObjectRecord* findCreated(const QString& kind, const QString& id) const;
    // The created objects a step is responsible for, newest first (the order to undo them in).
    QList<ObjectRecord> createdBy(const QString& step) const;

    // A record of the same kind and id is replaced: an object is recorded once.
    void recordCreated(ObjectRecord record);
    void recordAdopted(ObjectRecord record);
    // After clean-up deleted it, or found it gone.
    void forget(const QString& kind, const QString& id);

    bool isEmpty() const { return m_created.isEmpty() && m_adopted.isEmpty(); }
    void clear();

    QJsonObject toJson() const;
    static Ownership fromJson(const QJsonObject& json);

private:
    QList<ObjectRecord> m_created;
    QList<ObjectRecord> m_adopted;
};

// What a kind of object is called in a sentence: "the app registration", "the DCR provider".
QString kindPhrase(const QString& kind);

// Clean-up's plan, before anything is deleted: one line per object it will delete and one per
// object it will keep, with why.
struct CleanupPlanLine {
    bool remove = false;
    ObjectRecord object;
    QString text;
};
QList<CleanupPlanLine> cleanupPlan(const Ownership& ownership);

}  // namespace dcr::engine
