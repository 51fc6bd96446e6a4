#pragma once

#include "engine/ownership.h"
#include "profile/profile.h"

#include <QJsonObject>
#include <QList>
#include <QString>

namespace dcr::wizard {

class StepListModel;

// One thing the setup found or made, for the Summary page and the report: "App registration",
// "Kong Konnect DCR — client ID …".
struct ExistingObject {
    QString what;
    QString details;
    QString owner;  // whether this setup made it (clean-up deletes it) or found it (clean-up keeps it)
};

QList<ExistingObject> whatExists(const Profile& profile, const QJsonObject& outputs, const engine::Ownership& ownership);

// A Markdown report for a support ticket: what exists, every step with its outcome or error, and
// the profile. Built from ids, summaries and the profile only, and redacted line by line besides,
// so that no secret can reach it.
QString markdownReport(const Profile& profile, bool sandbox, const StepListModel& steps, const QJsonObject& outputs,
                       const engine::Ownership& ownership);

}  // namespace dcr::wizard
