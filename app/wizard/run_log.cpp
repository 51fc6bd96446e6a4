#include "wizard/run_log.h"

#include "core/redaction.h"

#include <QTime>

namespace dcr::wizard {

void RunLog::append(const QString& line) {
    const QString stamped = QTime::currentTime().toString(QStringLiteral("HH:mm:ss ")) + redactText(line);
    m_lines.append(stamped);
    emit appended(stamped);
}

}  // namespace dcr::wizard
