#pragma once

#include "wizard/wizard_page.h"

class QLabel;
class QPushButton;
class QTreeWidget;

namespace dcr::ui {

class CleanupConfirm;

// What exists now, with its ids and a link to the app in the Azure portal; export the profile
// (no secrets) or a Markdown report; or clean up everything this tool created.
class SummaryPage : public WizardPage {
    Q_OBJECT
public:
    explicit SummaryPage(wizard::WizardController& controller, QWidget* parent = nullptr);

    void initializePage() override;

private:
    void refresh();
    void exportFile(const QString& objectName, const QString& caption, const QString& suggestedName, bool report);

    QLabel* m_headline;
    QTreeWidget* m_objects;
    QLabel* m_portalLink;
    QLabel* m_consentLink;
    QPushButton* m_exportProfile;
    QPushButton* m_exportReport;
    QLabel* m_exportStatus;
    CleanupConfirm* m_cleanup;
};

}  // namespace dcr::ui
