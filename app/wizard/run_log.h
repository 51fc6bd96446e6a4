#pragma once

#include <QObject>
#include <QStringList>

namespace dcr::wizard {

// What the wizard shows in its log pane and puts on the clipboard when the user copies the log.
// Every line passes through redactText before it is kept, so no token or secret can reach the
// pane, the clipboard or a report through it.
class RunLog : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;

    void append(const QString& line);
    const QStringList& lines() const { return m_lines; }
    QString text() const { return m_lines.join(QLatin1Char('\n')); }

signals:
    void appended(const QString& line);  // already redacted and time-stamped

private:
    QStringList m_lines;
};

}  // namespace dcr::wizard
