#pragma once

#include <QJsonObject>
#include <QMap>
#include <QString>

namespace dcr::engine {

// What a setup has done so far, saved after every step so that an interrupted run resumes and
// cleanup knows exactly what this tool created. Ids and statuses only: never a secret.
class RunState {
public:
    struct StepRecord {
        QString status;   // "done", "failed", "skipped"
        QString outcome;  // outcomeName()
        bool created = false;  // this tool made the object: cleanup may delete it
        QString summary;
        QString updatedAt;
    };

    explicit RunState(QString filePath);

    // The file for a profile under the user's data directory.
    static QString defaultPath(const QString& profileName);

    const QString& filePath() const { return m_filePath; }
    bool exists() const;
    // A missing file is an empty state, not an error.
    bool load(QString* error);
    // Written atomically (QSaveFile), readable by the user only.
    bool save(QString* error) const;
    bool remove(QString* error);

    // A fresh random tag for the objects a setup creates (see Context::creationTag).
    static QString newCreationTag();

    QString profileName;
    QString creationTag;
    QMap<QString, StepRecord> steps;
    QJsonObject outputs;

private:
    QString m_filePath;
};

}  // namespace dcr::engine
