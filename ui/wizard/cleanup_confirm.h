#pragma once

#include <QWidget>

class QLabel;
class QPushButton;

namespace dcr::ui {

// A "Clean up" button that asks before deleting, inline rather than in a modal dialog so that the
// event loop is never nested and keyboard users stay on the page: the first press shows what will
// happen with Delete and Keep buttons.
class CleanupConfirm : public QWidget {
    Q_OBJECT
public:
    // objectName names the first button; the others get "<objectName>Confirm" and "<objectName>Keep".
    CleanupConfirm(const QString& text, const QString& objectName, QWidget* parent = nullptr);

signals:
    void confirmed();

private:
    void ask(bool asking);

    QPushButton* m_button;
    QWidget* m_question;
};

}  // namespace dcr::ui
