#pragma once

#include "engine/ownership.h"

#include <QJsonObject>
#include <QMap>
#include <QString>

namespace dcr::engine {

// What a setup has done so far, saved after every step so that an interrupted run resumes, and what
// it created (the ownership record) so that cleanup deletes exactly that. Ids and statuses only:
// never a secret.
class RunState {
public:
    struct StepRecord {
        QString status;   // "done", "failed", "skipped"
        QString outcome;  // outcomeName()
        QString summary;
        QString updatedAt;
    };

    // Where a setup's objects live. A state belongs to one target: the ids it holds mean nothing
    // anywhere else, and clean-up must never send them elsewhere.
    struct Target {
        bool sandbox = false;
        QString tenant;   // as the profile names it (id or domain)
        QString login;    // scheme://host[:port] of each service
        QString graph;
        QString konnect;

        bool isEmpty() const { return login.isEmpty() && graph.isEmpty() && konnect.isEmpty(); }
        // A short, file-name-safe key: "sandbox", or the tenant and the Konnect host.
        QString key() const;
        QString describe() const;
        bool sameAs(const Target& other) const;
        QJsonObject toJson() const;
        static Target fromJson(const QJsonObject& json);
    };

    explicit RunState(QString filePath);

    // The file for a profile and target under the user's data directory:
    // state/<profile>@<target key>.json, so that a sandbox replay and a real run of one profile, or
    // runs against two tenants, never share one.
    static QString defaultPath(const QString& profileName, const Target& target);

    const QString& filePath() const { return m_filePath; }
    bool exists() const;
    // A missing file is an empty state, not an error.
    bool load(QString* error);
    // Written atomically (QSaveFile), readable by the user only; never through a symbolic link
    // (the link is refused: the file could then land anywhere the link points).
    bool save(QString* error) const;
    bool remove(QString* error);

    // A fresh random tag for the objects a setup creates (see Context::creationTag).
    static QString newCreationTag();

    QString profileName;
    QString creationTag;
    Target target;
    QMap<QString, StepRecord> steps;
    QJsonObject outputs;
    Ownership ownership;

private:
    QString m_filePath;
};

}  // namespace dcr::engine
