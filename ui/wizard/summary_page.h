#pragma once

#include "wizard/wizard_page.h"

class QLabel;
class QPushButton;
class QTreeWidget;

namespace dcr::ui {

class CleanupConfirm;
class DynamicsSummaryBox;

// What exists now, with its ids and links to it in the Azure portal and Konnect; export the profile
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
    QLabel* m_links;
    QLabel* m_consentLink;
    QPushButton* m_exportProfile;
    QPushButton* m_exportReport;
    QLabel* m_exportStatus;
    CleanupConfirm* m_cleanup;
    DynamicsSummaryBox* m_dynamics;
};

}  // namespace dcr::ui
