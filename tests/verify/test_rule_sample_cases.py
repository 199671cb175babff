"""Table-driven rule-verifier cases, one per answer type and pitfall, from the shipped sample.

Each case is a hand-labelled candidate of data/sample (question, reference, answer type,
options, response, label), copied here so the table stays fixed when the sample grows. The
expected verdict is the sample's label; pytest ids name the pitfall and the candidate.
Cases the rules cannot decide without world knowledge are strict xfails: they document
what is left to the model verifier.
"""

from __future__ import annotations

import pytest

from genreason.judging import Item
from genreason.verify.rules.verifier import judge_items

SAMPLE_CASES = [
    pytest.param('A ball is dropped from rest from a height of 20 m. Ignoring air resistance and taking g = 9.8 m/s^2, how long does it take to reach the ground?', '2.02 s', 'Float', None, 'From $h = \\tfrac12 g t^2$, $t = \\sqrt{2h/g} = \\sqrt{40/9.8} = \\sqrt{4.082} \\approx 2.02$ s.\n\nTherefore, the final answer is $\\boxed{2.02 \\text{ s}}$.', True, id='plain-cand-0001'),
    pytest.param('A ball is dropped from rest from a height of 20 m. Ignoring air resistance and taking g = 9.8 m/s^2, how long does it take to reach the ground?', '2.02 s', 'Float', None, 'Using $h = g t^2$ we get $t^2 = 20/9.8 = 2.04$, so $t \\approx 1.43$ s.\n\nTherefore, the final answer is $\\boxed{1.43 \\text{ s}}$.', False, id='wrong-reasoning-cand-0002'),
    pytest.param('A ball is dropped from rest from a height of 20 m. Ignoring air resistance and taking g = 9.8 m/s^2, how long does it take to reach the ground?', '2.02 s', 'Float', None, 't = sqrt(2*20/9.8) = 2.0203 s, which is about 2020 ms.\n\nFinal Answer: 2020 ms', True, id='unit-conversion-cand-0003'),
    pytest.param('A ball is dropped from rest from a height of 20 m. Ignoring air resistance and taking g = 9.8 m/s^2, how long does it take to reach the ground?', '2.02 s', 'Float', None, 'Using t = √(2h/g) with h = 20 m and g = 9.8 m/s², it takes roughly 4.08 seconds for the ball to reach the ground.', False, id='buried-cand-0004'),
    pytest.param('What is the kinetic energy of a 2 kg object moving at 3 m/s?', '9 J', 'Float', None, 'KE = (1/2)(2 kg)(3 m/s)^2 = 9 kg·m^2/s^2\n\nThe answer is 9 kg·m^2/s^2.', True, id='units-cand-0006'),
    pytest.param('What is the kinetic energy of a 2 kg object moving at 3 m/s?', '9 J', 'Float', None, '$KE = \\tfrac12 mv^2 = \\tfrac12 \\cdot 2 \\cdot 9 = 9$ J.\n\nTherefore, the final answer is $\\boxed{18 \\text{ J}}$.', False, id='right-reasoning-wrong-answer-cand-0008'),
    pytest.param('A net force acts on a 5 kg cart and gives it an acceleration of 2.4 m/s^2. What is the magnitude of the net force?', '12 N', 'Float', None, 'F = ma = 5 × 2.4 = 12\n\nThe answer is 12 J.', False, id='units-cand-0011'),
    pytest.param('A sound wave has frequency 440 Hz and wavelength 0.78 m. What is its speed?', '343.2 m/s', 'Float', None, 'v = f λ = 440 × 0.78 ≈ 343 m/s\n\nFinal Answer: 343 m/s', True, id='rounding-cand-0016'),
    pytest.param('A car travels at a constant 72 km/h for 15 minutes. How far does it travel?', '18 km', 'Float', None, 'Fifteen minutes is a quarter of an hour, so at 72 km/h the car covers 72 × 0.25 = 18 km in that time.', True, id='buried-cand-0027'),
    pytest.param('A car travels at a constant 72 km/h for 15 minutes. How far does it travel?', '18 km', 'Float', None, '$d = 72 \\times 0.25 = 18$ km $= 1800$ m.\n\nTherefore, the final answer is $\\boxed{1800 \\text{ m}}$.', False, id='unit-conversion-cand-0028'),
    pytest.param('A 3 kg mass is raised 10 m above the ground. Taking g = 9.8 m/s^2, what is its gravitational potential energy relative to the ground?', '294 J', 'Float', None, 'U = mgh = 294 J\n\nFinal Answer: 2.94 \\times 10^2 J', True, id='sci-notation-cand-0037'),
    pytest.param('What is the energy of a single photon of wavelength 500 nm? Use h = 6.626 × 10^-34 J·s and c = 2.998 × 10^8 m/s.', '3.97 \\times 10^{-19} J', 'Float', None, '$E = hc/\\lambda = (6.626\\times10^{-34})(2.998\\times10^{8})/500 = 3.97\\times10^{-28}$ J.\n\nTherefore, the final answer is $\\boxed{3.97 \\times 10^{-28} \\text{ J}}$.', False, id='sci-notation-cand-0042'),
    pytest.param('What is the energy of a single photon of wavelength 500 nm? Use h = 6.626 × 10^-34 J·s and c = 2.998 × 10^8 m/s.', '3.97 \\times 10^{-19} J', 'Float', None, 'E = hc/λ ≈ 3 × 10^-19 J\n\nFinal Answer: 3 \\times 10^{-19} J', False, id='rounding-cand-0045'),
    pytest.param('Resistors of 6 Ω and 3 Ω are connected in parallel. What is the equivalent resistance?', '2 Ω', 'Float', None, 'In parallel it is 2 Ω, in series 9 Ω\n\nThe answer is 2 Ω or 9 Ω.', False, id='hedged-cand-0048'),
    pytest.param('What is the Lorentz factor γ of a particle moving at 0.6c?', '1.25', 'Float', None, 'γ = 1/sqrt(1 - 0.6^2) = 1/0.8 = 5/4\n\nThe answer is 5/4.', True, id='fraction-decimal-cand-0096'),
    pytest.param('A spring with constant 200 N/m is compressed by 0.1 m. How much elastic potential energy does it store?', '1 J', 'Float', None, "Let's solve this step by step. The elastic potential energy of a spring depends on the spring constant and the compression. We need to use the appropriate formula.", False, id='junk-cand-0118'),
    pytest.param('In the Bohr model of hydrogen, with ground-state energy -13.6 eV, what is the energy of the electron in the n = 2 level?', '-3.4 eV', 'Float', None, 'E_2 = 13.6/4 = 3.4 eV\n\nThe answer is 3.4 eV.', False, id='sign-cand-0123'),
    pytest.param('What is the area of a circle of radius 3? Give a decimal value.', '28.27', 'Float', None, '$A = \\pi r^2 = 9\\pi$.\n\nTherefore, the final answer is $\\boxed{9\\pi}$.', True, id='symbolic-vs-decimal-cand-0144'),
    pytest.param('What is the area of a circle of radius 3? Give a decimal value.', '28.27', 'Float', None, 'A = π r² = 3π\n\nThe answer is 3\\pi.', False, id='symbolic-vs-decimal-cand-0147'),
    pytest.param('For a standard normal random variable Z, what is P(Z < 1.96), to three decimal places?', '0.975', 'Float', None, 'From the standard normal table, $\\Phi(1.96) = 0.9750$, i.e. $97.5\\%$.\n\nTherefore, the final answer is $\\boxed{97.5\\%}$.', True, id='percent-decimal-cand-0166'),
    pytest.param('Nominal GDP is $1200 billion and real GDP is $1000 billion. What is the GDP deflator (base = 100)?', '120', 'Float', None, '1200/1000 = 1.2\n\nFinal Answer: 1.2', False, id='percent-decimal-cand-0219'),
    pytest.param('Differentiate f(x) = x^3 sin(x) with respect to x.', '3x^2 \\sin x + x^3 \\cos x', 'Expression', None, "f'(x) = x^2 (3 sin x + x cos x)\n\nFinal Answer: x^2(3\\sin x + x\\cos x)", True, id='equivalent-expression-cand-0303'),
    pytest.param('Differentiate f(x) = x^3 sin(x) with respect to x.', '3x^2 \\sin x + x^3 \\cos x', 'Expression', None, "Factor out x^2: f'(x) = x^2(3 sin x + cos x)\n\nFinal Answer: x^2(3\\sin x + \\cos x)", False, id='equivalent-expression-cand-0305'),
    pytest.param('Find a closed-form expression for the sum of the first n odd positive integers, 1 + 3 + 5 + ... + (2n - 1).', 'n^2', 'Expression', None, '$S = (2n-1)^2$.\n\nTherefore, the final answer is $\\boxed{(2n-1)^2}$.', False, id='plain-cand-0334'),
    pytest.param("Which gas makes up the largest share of Earth's atmosphere by volume?", 'B', 'Multiple Choice', ('Oxygen', 'Nitrogen', 'Argon', 'Carbon dioxide'), 'Nitrogen is about 78% of the atmosphere.\n\nFinal Answer: Nitrogen', True, id='mc-text-cand-0490'),
    pytest.param("Which gas makes up the largest share of Earth's atmosphere by volume?", 'B', 'Multiple Choice', ('Oxygen', 'Nitrogen', 'Argon', 'Carbon dioxide'), 'We breathe oxygen, so it must be the most abundant gas.\n\nThe answer is Oxygen.', False, id='mc-text-cand-0491'),
    pytest.param('Which organelle is the main site of ATP production by aerobic respiration in eukaryotic cells?', 'C', 'Multiple Choice', ('Nucleus', 'Ribosome', 'Mitochondrion', 'Golgi apparatus'), 'Oxidative phosphorylation happens on the inner mitochondrial membrane.\n\nTherefore, the final answer is $\\boxed{C: \\text{Mitochondrion}}$.', True, id='mc-letter-text-cand-0493'),
    pytest.param('Which organelle is the main site of ATP production by aerobic respiration in eukaryotic cells?', 'C', 'Multiple Choice', ('Nucleus', 'Ribosome', 'Mitochondrion', 'Golgi apparatus'), 'The mitochondrion is the powerhouse of the cell.\n\nFinal Answer: B. Mitochondrion', False, id='mc-letter-text-mismatch-cand-0494'),
    pytest.param('What is the SI unit of force?', 'B', 'Multiple Choice', ('Joule', 'Newton', 'Watt', 'Pascal'), 'The unit of force is kg·m/s^2, which is the newton.\n\nFinal Answer: (B)', True, id='mc-letter-format-cand-0498'),
    pytest.param('In which year did World War II end?', 'C', 'Multiple Choice', ('1943', '1944', '1945', '1946'), 'The war ended in 1944.\n\nFinal Answer: (B)', False, id='mc-letter-format-cand-0506'),
    pytest.param('Who was the first President of the United States?', 'C', 'Multiple Choice', ('John Adams', 'Thomas Jefferson', 'George Washington', 'Benjamin Franklin'), 'John Adams was the first president.\n\nThe answer is A. John Adams.', False, id='mc-letter-text-cand-0508'),
    pytest.param('How many valence electrons does a neutral nitrogen atom have?', '5', 'Integer', None, 'Nitrogen is in group 15 with three unpaired p electrons.\n\nTherefore, the final answer is $\\boxed{\\text{three}}$.', False, id='number-word-cand-0695'),
    pytest.param('How many valence electrons does a neutral nitrogen atom have?', '5', 'Integer', None, 'Configuration 2s² 2p³\n\nThe answer is five.', True, id='number-word-cand-0696'),
    pytest.param('What is the chemical formula of table salt?', 'NaCl', 'String', None, 'Table salt is\n\nFinal Answer: sodium chloride', True, id='string-alias-cand-0754', marks=pytest.mark.xfail(strict=True, reason='an alias (sodium chloride = NaCl) needs knowledge: left to the model verifier')),
    pytest.param('What is the chemical formula of table salt?', 'NaCl', 'String', None, 'Table salt is sodium chlorate.\n\nTherefore, the final answer is $\\boxed{\\text{sodium chlorate}}$.', False, id='string-alias-cand-0756'),
    pytest.param('List the distinct prime factors of 60.', '[2, 3, 5]', 'List', None, '60 = 5 · 3 · 2^2\n\nFinal Answer: 5, 3, 2', True, id='list-order-cand-0828'),
    pytest.param('Find all real roots of x^2 - 5x + 6 = 0.', '[2, 3]', 'List', None, 'One root is $x = 2$.\n\nTherefore, the final answer is $\\boxed{2}$.', False, id='partial-cand-0833'),
    pytest.param('Find all real solutions of x^3 - x = 0.', '[-1, 0, 1]', 'List', None, 'The solution set is {−1, 0, 1}\n\nThe answer is \\{-1, 0, 1\\}.', True, id='set-notation-cand-0837'),
    pytest.param('Write the first five terms of the Fibonacci sequence that starts 1, 1, in order.', '[1, 1, 2, 3, 5]', 'List', None, 'The five terms in reverse are\n\nFinal Answer: 5, 3, 2, 1, 1', False, id='list-order-cand-0839'),
    pytest.param('List all integers x such that x^2 < 5.', '[-2, -1, 0, 1, 2]', 'List', None, '$-\\sqrt5 < x < \\sqrt5$.\n\nTherefore, the final answer is $\\boxed{\\{0, \\pm 1\\}}$.', False, id='set-notation-cand-0879'),
    pytest.param('True or false: 91 is a prime number.', 'False', 'Boolean', None, '$91 = 7 \\times 13$, so it is not prime.\n\nTherefore, the final answer is $\\boxed{\\text{No}}$.', True, id='boolean-yesno-cand-0893'),
    pytest.param('True or false: the square root of 2 is irrational.', 'True', 'Boolean', None, '√2 = 1.414..., which is a decimal, so it is rational\n\nFinal Answer: No', False, id='boolean-yesno-cand-0898'),
    pytest.param('Two fair six-sided dice are rolled. What is the probability that the sum is 7?', '1/6', 'Fraction', None, '6/36\n\nFinal Answer: 6/36', True, id='fraction-form-cand-1013'),
    pytest.param('Compute 2/3 + 1/4.', '11/12', 'Fraction', None, '2/3 + 1/4 ≈ 0.58 + 0.25 = 0.83\n\nFinal Answer: 0.83', False, id='fraction-decimal-cand-1028'),
    pytest.param('Two cards are drawn without replacement from a standard 52-card deck. What is the probability that both are aces?', '1/221', 'Fraction', None, 'C(4,2) = 6 ordered pairs out of 52 × 51 = 2652\n\nThe answer is 6/2652.', False, id='fraction-form-cand-1036'),
    pytest.param('Compute the product AB where A has rows (1, 2), (3, 4) and B has rows (0, 1), (1, 0).', '\\begin{pmatrix} 2 & 1 \\\\ 4 & 3 \\end{pmatrix}', 'Matrix', None, 'Right-multiplying by B swaps the columns of A.\n\nTherefore, the final answer is $\\boxed{\\begin{bmatrix} 2 & 1 \\\\ 4 & 3 \\end{bmatrix}}$.', True, id='matrix-notation-cand-1069'),
    pytest.param('Find the transpose of the 2×3 matrix with rows (1, 2, 3) and (4, 5, 6).', '\\begin{pmatrix} 1 & 4 \\\\ 2 & 5 \\\\ 3 & 6 \\end{pmatrix}', 'Matrix', None, 'A^T = [[1, 2, 3], [4, 5, 6]]\n\nFinal Answer: [[1, 2, 3], [4, 5, 6]]', False, id='matrix-transposed-cand-1074'),
    pytest.param('Find the inverse of the matrix with rows (2, 1) and (1, 1).', '\\begin{pmatrix} 1 & -1 \\\\ -1 & 2 \\end{pmatrix}', 'Matrix', None, 'Swap the diagonal entries.\n\nTherefore, the final answer is $\\boxed{\\begin{bmatrix} 1 & 1 \\\\ 1 & 2 \\end{bmatrix}}$.', False, id='matrix-notation-cand-1078'),
]


@pytest.mark.parametrize(("question", "reference", "answer_type", "options", "response", "label"), SAMPLE_CASES)
def test_sample_case(question, reference, answer_type, options, response, label) -> None:
    judgment = judge_items([Item(question, reference, response, answer_type, options)])[0]
    assert (judgment.verdict is True) == label, (judgment.verdict, judgment.rule, judgment.reason, judgment.extracted)
    assert judgment.reason and judgment.rule
    if label is False:
        assert judgment.verdict is not True  # never a false positive
