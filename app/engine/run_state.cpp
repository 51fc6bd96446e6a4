#include "engine/run_state.h"

#include "core/redaction.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QSaveFile>
#include <QStandardPaths>
#include <QUrl>

namespace dcr::engine {

namespace {
// 2: the ownership record and the target.
constexpr int kStateVersion = 2;

QString origin(const QString& url) {
    const QUrl u(url);
    if (!u.isValid() || u.host().isEmpty())
        return {};
    return u.port() < 0 ? QStringLiteral("%1://%2").arg(u.scheme(), u.host()) : QStringLiteral("%1://%2:%3").arg(u.scheme(), u.host()).arg(u.port());
}

QString fileSafe(QString text) {
    for (QChar& c : text)
        if (!(c.isLetterOrNumber() || c == QLatin1Char('.') || c == QLatin1Char('-') || c == QLatin1Char('_')))
            c = QLatin1Char('_');
    return text;
}

QString tr(const char* text) { return QCoreApplication::translate("dcr::engine::RunState", text); }
}  // namespace

QString RunState::Target::key() const {
    if (sandbox)
        return QStringLiteral("sandbox");
    return fileSafe(tenant.toLower() + QLatin1Char('@') + QUrl(konnect).host().toLower());
}

QString RunState::Target::describe() const {
    if (sandbox)
        return tr("the sandbox");
    return tr("the tenant %1 on %2 and Konnect on %3").arg(tenant, origin(graph), origin(konnect));
}

bool RunState::Target::sameAs(const Target& other) const {
    // A sandbox listens on a new port each time; its objects are its own either way.
    if (sandbox || other.sandbox)
        return sandbox == other.sandbox;
    return tenant.compare(other.tenant, Qt::CaseInsensitive) == 0 && origin(login) == origin(other.login) &&
           origin(graph) == origin(other.graph) && origin(konnect) == origin(other.konnect);
}

QJsonObject RunState::Target::toJson() const {
    return {{QStringLiteral("sandbox"), sandbox}, {QStringLiteral("tenant"), tenant}, {QStringLiteral("login"), origin(login)},
            {QStringLiteral("graph"), origin(graph)}, {QStringLiteral("konnect"), origin(konnect)}};
}

RunState::Target RunState::Target::fromJson(const QJsonObject& json) {
    Target t;
    t.sandbox = json.value(QStringLiteral("sandbox")).toBool();
    t.tenant = json.value(QStringLiteral("tenant")).toString();
    t.login = json.value(QStringLiteral("login")).toString();
    t.graph = json.value(QStringLiteral("graph")).toString();
    t.konnect = json.value(QStringLiteral("konnect")).toString();
    return t;
}

RunState::RunState(QString filePath) : m_filePath(std::move(filePath)) {}

QString RunState::defaultPath(const QString& profileName, const Target& target) {
    // Not AppDataLocation: with the organisation and the application both named dcr-wizard it
    // would nest the folder twice.
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) + QLatin1Char('/') +
           QCoreApplication::applicationName() + QStringLiteral("/state/") + profileName + QLatin1Char('@') + target.key() +
           QStringLiteral(".json");
}

bool RunState::exists() const { return QFileInfo::exists(m_filePath); }

bool RunState::load(QString* error) {
    steps.clear();
    outputs = {};
    creationTag.clear();
    ownership.clear();
    target = {};
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
    target = Target::fromJson(root.value(QStringLiteral("target")).toObject());
    ownership = Ownership::fromJson(root.value(QStringLiteral("ownership")).toObject());
    outputs = root.value(QStringLiteral("outputs")).toObject();
    const QJsonObject recorded = root.value(QStringLiteral("steps")).toObject();
    for (auto it = recorded.begin(); it != recorded.end(); ++it) {
        const QJsonObject o = it.value().toObject();
        steps.insert(it.key(), StepRecord{o.value(QStringLiteral("status")).toString(),
                                          o.value(QStringLiteral("outcome")).toString(),
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
                                              // Summaries quote the services' own words: redacted, as in every log.
                                              {QStringLiteral("summary"), redactText(it->summary)},
                                              {QStringLiteral("updated_at"), it->updatedAt}});
    }
    const QJsonObject root{{QStringLiteral("version"), kStateVersion},
                           {QStringLiteral("profile"), profileName},
                           {QStringLiteral("creation_tag"), creationTag},
                           {QStringLiteral("target"), target.toJson()},
                           {QStringLiteral("ownership"), ownership.toJson()},
                           {QStringLiteral("saved_at"), QDateTime::currentDateTimeUtc().toString(Qt::ISODate)},
                           {QStringLiteral("outputs"), outputs},
                           {QStringLiteral("steps"), recorded}};
    if (!QDir().mkpath(QFileInfo(m_filePath).absolutePath())) {
        *error = tr("Cannot create the folder for %1.").arg(m_filePath);
        return false;
    }
    if (QFileInfo(m_filePath).isSymLink()) {
        *error = tr("Progress is not saved to %1: it is a symbolic link, and the file would be written wherever it points. "
                    "Give --state-file a plain file.").arg(m_filePath);
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
    ownership.clear();
    if (!exists() || QFile::remove(m_filePath))
        return true;
    *error = tr("Cannot remove %1.").arg(m_filePath);
    return false;
}

}  // namespace dcr::engine
