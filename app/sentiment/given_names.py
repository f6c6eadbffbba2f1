"""Given names that, written right before a company's name, make it a person's ("Bill
Ford", "Michael Dell", "Anand Mahindra", "Harrison Ford"): the founders, heirs and
chairmen whose surnames companies carry, and the actors and politicians who share one.

Written for the project. Left out are given names that start a company's own name in
the lists' short forms ("Charles" of Charles Schwab, "John" of John Deere, "Walt" of
Walt Disney, "Ralph", "Tommy", "Hugo", "Calvin", "Ted", "Paul"), and words a headline
may start with ("Will", "Grant", "Frank", "Rich", "Guy", "Art", "Sun", "Mercedes").
"""

from __future__ import annotations

GIVEN_NAMES = frozenset(
    {
        "Aaron", "Adam", "Adi", "Akio", "Alan", "Albert", "Alex", "Alexander", "Alfred",
        "Alice", "Amancio", "Anand", "Andrew", "Andy", "Anil", "Anne", "Anthony", "Arthur",
        "Ashok", "Azim", "Barbara", "Ben", "Benjamin", "Bernard", "Bill", "Bob", "Brian",
        "Bruce", "Carl", "Carlos", "Catherine", "Charlie", "Chris", "Christopher", "Cyrus",
        "Daniel", "David", "Dennis", "Diego", "Donald", "Doug", "Douglas", "Ed", "Edsel",
        "Edward", "Elizabeth", "Elon", "Emily", "Emma", "Enzo", "Eric", "Ferdinand",
        "Francis", "Francois", "Fred", "Gary", "Gautam", "George", "Gerald", "Giorgio",
        "Gordon", "Greg", "Hans", "Harold", "Harrison", "Harry", "Helen", "Helmut", "Henry",
        "Hiroshi", "Howard", "Ian", "Ingvar", "Jack", "James", "Jamie", "Jane", "Janet",
        "Jean", "Jeff", "Jeffrey", "Jennifer", "Jensen", "Jim", "Joe", "Jonathan", "Joseph",
        "Julia", "Kate", "Keshub", "Ken", "Kevin", "Kiichiro", "Kiran", "Klaus", "Kumar",
        "Lars", "Larry", "Laura", "Lisa", "Louis", "Luca", "Luis", "Marc", "Marco", "Maria",
        "Mark", "Martin", "Mary", "Masayoshi", "Matt", "Matthew", "Michael", "Mike",
        "Miuccia", "Mukesh", "Nancy", "Nandan", "Natarajan", "Nicholas", "Nick", "Nita",
        "Noel", "Patrick", "Peter", "Phil", "Philip", "Pierre", "Rahul", "Rajiv", "Rakesh",
        "Ratan", "Ray", "Richard", "Robert", "Roger", "Ronald", "Ruth", "Ryan", "Sajjan",
        "Sam", "Samuel", "Sanjay", "Sarah", "Satya", "Scott", "Sergey", "Shiv", "Stephen",
        "Steve", "Steven", "Sundar", "Sunil", "Susan", "Tadashi", "Takeshi", "Thomas",
        "Tim", "Timothy", "Tom", "Tony", "Uday", "Venu", "Victor", "Vijay", "Vikram",
        "Walter", "Warren", "William", "Wolfgang"
    }
)  # fmt: skip
