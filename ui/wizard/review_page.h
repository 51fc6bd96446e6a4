#pragma once

#include "wizard/wizard_page.h"

class QCheckBox;
class QLabel;
class QPushButton;
class QTreeView;

namespace dcr::ui {

// The plan, as the engine's dry run found it: for each step whether it will create, adopt, update
// or skip something. Nothing changes until the user presses Apply (this is the commit page).
class ReviewPage : public WizardPage {
    Q_OBJECT
public:
    explicit ReviewPage(wizard::WizardController& controller, QWidget* parent = nullptr);

    void initializePage() override;
    bool isComplete() const override;

private:
    void refresh();

    QTreeView* m_plan;
    QLabel* m_status;
    QPushButton* m_retry;
    QCheckBox* m_adopt;
};

}  // namespace dcr::ui
