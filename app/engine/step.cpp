#include "engine/step.h"

#include <QHash>

namespace dcr::engine {

QString outcomeName(Outcome outcome) {
    switch (outcome) {
    case Outcome::Created:
        return QStringLiteral("created");
    case Outcome::Adopted:
        return QStringLiteral("adopted");
    case Outcome::Updated:
        return QStringLiteral("updated");
    case Outcome::Verified:
        return QStringLiteral("verified");
    case Outcome::WouldCreate:
        return QStringLiteral("would create");
    case Outcome::WouldUpdate:
        return QStringLiteral("would update");
    case Outcome::WouldCheck:
        return QStringLiteral("would check");
    case Outcome::Skipped:
        return QStringLiteral("skipped");
    }
    return {};
}

QList<int> dependencyOrder(const Plan& plan, QString* error) {
    QHash<QString, int> index;
    for (int i = 0; i < plan.size(); ++i)
        index.insert(plan.at(i).id, i);
    for (const Step& step : plan) {
        for (const QString& dep : step.dependsOn) {
            if (!index.contains(dep)) {
                *error = QStringLiteral("Step '%1' depends on unknown step '%2'.").arg(step.id, dep);
                return {};
            }
        }
    }
    QList<int> order;
    QList<bool> placed(plan.size(), false);
    while (order.size() < plan.size()) {
        bool progressed = false;
        for (int i = 0; i < plan.size(); ++i) {
            if (placed.at(i))
                continue;
            bool ready = true;
            for (const QString& dep : plan.at(i).dependsOn)
                ready = ready && placed.at(index.value(dep));
            if (ready) {
                placed[i] = true;
                order.append(i);
                progressed = true;
            }
        }
        if (!progressed) {
            *error = QStringLiteral("The plan's steps depend on each other in a cycle.");
            return {};
        }
    }
    return order;
}

Step makeStep(const char* id, QString title, QString description, QStringList dependsOn, bool optional) {
    Step s;
    s.id = QString::fromLatin1(id);
    s.title = std::move(title);
    s.description = std::move(description);
    s.dependsOn = std::move(dependsOn);
    s.optional = optional;
    return s;
}

}  // namespace dcr::engine
