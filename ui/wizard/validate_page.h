#pragma once

#include "wizard/wizard_page.h"

class QLabel;
class QSortFilterProxyModel;
class QPlainTextEdit;
class QPushButton;
class QTreeView;

namespace dcr::ui {

// The checks that prove the setup works (a token for the app, Konnect's verification, the DCR
// round trip), each passed or failed with its details; the token's claims on request.
class ValidatePage : public WizardPage {
    Q_OBJECT
public:
    explicit ValidatePage(wizard::WizardController& controller, QWidget* parent = nullptr);

    void initializePage() override;
    bool isComplete() const override;

private:
    void refresh();

    QSortFilterProxyModel* m_checks;  // the run's steps that are checks
    QTreeView* m_view;
    QLabel* m_result;
    QPushButton* m_retry;
    QPushButton* m_showClaims;
    QPlainTextEdit* m_claims;
};

}  // namespace dcr::ui
