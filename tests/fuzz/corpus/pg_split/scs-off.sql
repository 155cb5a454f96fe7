SET standard_conforming_strings = off;
SELECT 'a\';b';
SET SESSION standard_conforming_strings TO 'on';
SELECT E'\'' ; ';
