#pragma once

#include <QFrame>
#include <QTimer>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace dcr::ui {

// The client secret when no keychain can keep it: shown once, masked until asked, with a Copy
// button; the clipboard is cleared 60 seconds after copying if it still holds the secret.
class SecretOnceBox : public QFrame {
    Q_OBJECT
public:
    static constexpr int kClipboardClearMs = 60000;

    explicit SecretOnceBox(QWidget* parent = nullptr);
    ~SecretOnceBox() override;

    void showSecret(const QString& secret);

private:
    void copy();
    void clearClipboard();

    QLineEdit* m_value;
    QCheckBox* m_reveal;
    QPushButton* m_copy;
    QLabel* m_status;
    QTimer m_clearClipboard;
};

}  // namespace dcr::ui
