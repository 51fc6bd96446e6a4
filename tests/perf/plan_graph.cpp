// perf_plan_graph: prints the Kong DCR blueprint's plan as JSON, one object a step with its id,
// dependsOn and whether it is optional, straight from kongDcrAzurePlan(). tests/perf/benchmark.sh
// weighs each step with the requests it must make one after another and takes the longest path
// through dependsOn: the critical path of a setup.
#include "engine/blueprints/kong_dcr_azure.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstdio>

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    QJsonArray steps;
    for (const dcr::engine::Step& step : dcr::engine::kongDcrAzurePlan({}))
        steps.append(QJsonObject{{QStringLiteral("id"), step.id},
                                 {QStringLiteral("dependsOn"), QJsonArray::fromStringList(step.dependsOn)},
                                 {QStringLiteral("optional"), step.optional}});
    printf("%s\n", QJsonDocument(steps).toJson(QJsonDocument::Compact).constData());
    return 0;
}
