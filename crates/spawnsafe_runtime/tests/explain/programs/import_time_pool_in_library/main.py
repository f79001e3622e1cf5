import reports

if __name__ == "__main__":
    print(reports.summary())
