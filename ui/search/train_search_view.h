#pragma once
// The Train & search step: two tabs, Search (TinyNAS on the user's data:
// SearchPanel) and Train this design (the network in Design, trained from
// scratch: TrainPanel). Both run the CLI in a child process.
#include <QTabWidget>

namespace mcunet::ui {

class ProjectDocument;
class SearchPanel;
class TrainPanel;

class TrainSearchView : public QTabWidget {
    Q_OBJECT
public:
    enum Tab { SearchTab, TrainTab };
    explicit TrainSearchView(ProjectDocument* document, QWidget* parent = nullptr);
    SearchPanel* searchPanel() const { return search_; }
    TrainPanel* trainPanel() const { return train_; }

private:
    void updateTabs();
    ProjectDocument* document_;
    SearchPanel* search_;
    TrainPanel* train_;
};

}  // namespace mcunet::ui
