#include "engine/run_state.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QSaveFile>
#include <QStandardPaths>

namespace dcr::engine {

namespace {
constexpr int kStateVersion = 1;

QString tr(const char* text) { return QCoreApplication::translate("dcr::engine::RunState", text); }
}  // namespace

RunState::RunState(QString filePath) : m_filePath(std::move(filePath)) {}

QString RunState::defaultPath(const QString& profileName) {
    // Not AppDataLocation: with the organisation and the application both named dcr-wizard it
    // would nest the folder twice.
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) + QLatin1Char('/') +
           QCoreApplication::applicationName() + QStringLiteral("/state/") + profileName + QStringLiteral(".json");
}

bool RunState::exists() const { return QFileInfo::exists(m_filePath); }

bool RunState::load(QString* error) {
    steps.clear();
    outputs = {};
    creationTag.clear();
    QFile file(m_filePath);
    if (!file.exists())
        return true;
    if (!file.open(QIODevice::ReadOnly)) {
        *error = tr("Cannot read the saved progress in %1: %2").arg(m_filePath, file.errorString());
        return false;
    }
    QJsonParseError parseError;
    const QJsonObject root = QJsonDocument::fromJson(file.readAll(), &parseError).object();
    if (parseError.error != QJsonParseError::NoError || root.value(QStringLiteral("version")).toInt() != kStateVersion) {
        *error = tr("The saved progress in %1 is damaged or from another version; remove it to start over.")
                     .arg(m_filePath);
        return false;
    }
    profileName = root.value(QStringLiteral("profile")).toString();
    creationTag = root.value(QStringLiteral("creation_tag")).toString();
    outputs = root.value(QStringLiteral("outputs")).toObject();
    const QJsonObject recorded = root.value(QStringLiteral("steps")).toObject();
    for (auto it = recorded.begin(); it != recorded.end(); ++it) {
        const QJsonObject o = it.value().toObject();
        steps.insert(it.key(), StepRecord{o.value(QStringLiteral("status")).toString(),
                                          o.value(QStringLiteral("outcome")).toString(),
                                          o.value(QStringLiteral("created")).toBool(),
                                          o.value(QStringLiteral("summary")).toString(),
                                          o.value(QStringLiteral("updated_at")).toString()});
    }
    return true;
}

bool RunState::save(QString* error) const {
    QJsonObject recorded;
    for (auto it = steps.begin(); it != steps.end(); ++it) {
        recorded.insert(it.key(), QJsonObject{{QStringLiteral("status"), it->status},
                                              {QStringLiteral("outcome"), it->outcome},
                                              {QStringLiteral("created"), it->created},
                                              {QStringLiteral("summary"), it->summary},
                                              {QStringLiteral("updated_at"), it->updatedAt}});
    }
    const QJsonObject root{{QStringLiteral("version"), kStateVersion},
                           {QStringLiteral("profile"), profileName},
                           {QStringLiteral("creation_tag"), creationTag},
                           {QStringLiteral("saved_at"), QDateTime::currentDateTimeUtc().toString(Qt::ISODate)},
                           {QStringLiteral("outputs"), outputs},
                           {QStringLiteral("steps"), recorded}};
    if (!QDir().mkpath(QFileInfo(m_filePath).absolutePath())) {
        *error = tr("Cannot create the folder for %1.").arg(m_filePath);
        return false;
    }
    QSaveFile file(m_filePath);
    if (!file.open(QIODevice::WriteOnly)) {
        *error = tr("Cannot save progress to %1: %2").arg(m_filePath, file.errorString());
        return false;
    }
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    file.write(QJsonDocument(root).toJson(QJsonDocument::Indented));
    if (!file.commit()) {
        *error = tr("Cannot save progress to %1: %2").arg(m_filePath, file.errorString());
        return false;
    }
    return true;
}

QString RunState::newCreationTag() {
    // 96 random bits: no two setups, on any machine, tag their objects alike.
    quint32 words[3];
    QRandomGenerator::system()->fillRange(words);
    return QByteArray(reinterpret_cast<const char*>(words), sizeof words).toHex();
}

bool RunState::remove(QString* error) {
    steps.clear();
    outputs = {};
    creationTag.clear();
    if (!exists() || QFile::remove(m_filePath))
        return true;
    *error = tr("Cannot remove %1.").arg(m_filePath);
    return false;
}

}  // namespace dcr::engine
